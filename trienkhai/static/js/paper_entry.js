/* Paper entry: next to each number typed, the label of the choice it stands for, so the typist
   sees at once "3 Khá" or "không có lựa chọn 7". On the resolution page, typing a value again
   picks "Gõ lại giá trị đúng" for that question. The pages work fully without this file. */
(function () {
  "use strict";

  function choicesOf(input) {
    var map = {};
    (input.getAttribute("data-choices") || "").split(" | ").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) map[pair.slice(0, at)] = pair.slice(at + 1);
    });
    return map;
  }

  function numbers(text, map, multi) {
    text = text.trim();
    if (!text) return [];
    if (!multi) return [text];
    if (/[\s,;.+\/]/.test(text)) return text.split(/[\s,;.+\/]+/).filter(Boolean);
    var oneDigit = Object.keys(map).every(function (k) { return k.length === 1; });
    return oneDigit ? text.split("") : [text];
  }

  function echo(input) {
    var out = input.nextElementSibling;
    if (!out || !out.classList.contains("paper-echo")) {
      out = document.createElement("span");
      out.className = "paper-echo muted";
      input.insertAdjacentElement("afterend", out);
    }
    var map = choicesOf(input);
    var multi = input.classList.contains("paper-multi");
    var parts = numbers(input.value, map, multi).map(function (n) {
      var key = String(parseInt(n, 10));
      return /^\d+$/.test(n) && map[key] ? key + " " + map[key] : "✗ " + n;
    });
    out.textContent = parts.length ? " " + parts.join("; ") : "";
    out.classList.toggle("field-error", parts.some(function (p) { return p.charAt(0) === "✗"; }));
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-choices")) echo(input);
    var box = input.closest && input.closest("fieldset");
    if (box && input.type === "text" && input.value.trim()) {
      var typed = box.querySelector('input[type=radio][value="typed"]');
      if (typed) typed.checked = true;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-choices]").forEach(function (input) {
      if (input.value) echo(input);
    });
  });
})();
