"""The forms of an HTML page as a browser would send them back unchanged (no dependency beyond the standard library:
the load test and tests/test_query_counts.py both use it)."""

from html.parser import HTMLParser


class Forms(HTMLParser):
    """The forms of a page as (action, method, fields): what a browser would send back unchanged."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"].append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            value = self._textarea[1]
            self._form["fields"].append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]
