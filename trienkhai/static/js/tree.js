/* The tree browser: a node's toggle loads its children once (htmx) and then folds/unfolds. */
document.addEventListener("htmx:confirm", function (event) {
  var button = event.target;
  if (!button.classList || !button.classList.contains("toggle")) return;
  if (button.getAttribute("aria-expanded") === "true") {
    event.preventDefault();
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (list) list.innerHTML = "";
    button.setAttribute("aria-expanded", "false");
    button.textContent = "+";
  }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var button = event.detail.elt;
  if (button && button.classList && button.classList.contains("toggle") && event.detail.successful) {
    button.setAttribute("aria-expanded", "true");
    button.textContent = "\u2212";
  }
});
