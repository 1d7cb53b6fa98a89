"""Reading the pages in tests: elements by tag and attributes, the CSRF token, form posts."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

VOID = {"input", "meta", "link", "br", "img", "hr", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list["Element"] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if self.open:
            self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1].tag == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def elements(html: str, tag: str, **attrs: str) -> list[Element]:
    parser = _Parser()
    parser.feed(html)
    wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    return [
        e
        for e in parser.elements
        if e.tag == tag
        and all(
            (v in e.attrs.get(k, "").split()) if k == "class" else e.attrs.get(k) == v
            for k, v in wanted.items()
        )
    ]


def text_of(html: str, tag: str, **attrs: str) -> str:
    return " ".join(" ".join(e.text.split()) for e in elements(html, tag, **attrs))


def csrf(html: str) -> str:
    return elements(html, "input", name="csrf_token")[0].attrs["value"]


async def submit(
    client: httpx.AsyncClient, page: str, action: str, data: dict[str, str] | list[tuple[str, str]]
) -> httpx.Response:
    """GETs `page` for its CSRF token, then posts `data` to `action` as its form would."""
    token = csrf((await client.get(page)).text)
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    return await client.post(action, data=dict([*fields, ("csrf_token", token)]))


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    response = await submit(
        client, "/login", "/login", {"email": email, "password": password, "next": "/"}
    )
    assert response.status_code == 303, response.text
