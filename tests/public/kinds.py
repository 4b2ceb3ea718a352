"""Who may open the pages of each kind of publication (views.KINDS) of the city's site: the list,
the form to show a thing (GET and POST), the form to change it (GET and POST), and withdraw."""

from django.urls import reverse

# persona fixture, the answers expected on the city's site
WHO = [
    ("admin_user", {200, 302}),
    ("city_secretary", {200, 302}),  # manager of the city
    ("propaganda_officer", {200, 302}),  # editor of the city
    ("viewer", {403}),  # sees the city, may not write
    ("ward_clerk", {404}),  # the city is above their ward
    ("outsider", {404}),
    (None, {302}),  # to the login page
]


def check_pages(request, client, publication, persona, expected, *, name, listing, target):
    """Open every page of `publication` (routes public:<listing>, public:<name>_new…, the thing
    asked for as ?<target>=) as `persona`; each answer must be in `expected`."""
    site, thing = publication.site, getattr(publication, f"{target}_id")
    new = reverse(f"public:{name}_new", args=[site.pk]) + f"?{target}={thing}"
    edit = reverse(f"public:{name}_edit", args=[publication.pk])
    pages = [
        (reverse(f"public:{listing}", args=[site.pk]), "GET"),
        (new, "GET"),
        (new, "POST"),
        (edit, "GET"),
        (edit, "POST"),
        (reverse(f"public:{name}_withdraw", args=[publication.pk]), "POST"),
    ]
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for url, method in pages:
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code in expected, (url, method, response.status_code)
        if persona is None:
            assert response["Location"].startswith(reverse("accounts:login"))
