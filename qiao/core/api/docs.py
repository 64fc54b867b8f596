"""The API documentation page (/api/docs/): Swagger UI from drf-spectacular's sidecar, in the split
form whose start-up script is a separate request (?script=), so the page runs under the site's
Content-Security-Policy with no inline script; the template also leaves out drf-spectacular's inline
<style> (the same rules are in qiao/static/qiao/api-docs.css)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api_docs.html"
