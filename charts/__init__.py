"""Server-rendered SVG charts: pure geometry here, markup in templates/charts/. Knows no app.

Each chart is drawn as `<g role="img">` with a `<title>` and a `<desc>` (what a screen reader announces),
its clickable parts as links over it, and the same figures as a table (templates/charts/_table.html).
No JavaScript, no inline style (the Content-Security-Policy refuses it): sizes are SVG attributes.
"""
