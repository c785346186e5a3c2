"""The course as a website (`make test-site`; `make site` builds it into build/site/).

The tests marked ``site`` build the site once (tools/build_site.py, from the stored outputs),
then check it as files: a page for every chapter with its launch buttons, downloads and run
stamp; the front page's table; no broken internal link, anchor or image; nothing loaded from
the internet. The browser test opens it in headless Chromium from the files themselves
(file://, every other request refused and counted), in light and dark mode, searches, and keeps
screenshots in build/screenshots/site/.

The tests without the mark (the ``course_run`` record) run with the rest of the suite.
"""

from __future__ import annotations

import json
import re
import resource
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from chromium import chromium_page
from processes import wait_for

from tools import build_site, nbtools, template

SITE = build_site.SITE_DIR
SCREENSHOTS = nbtools.ROOT / "build" / "screenshots" / "site"
BUILD_BUDGET_S = 120
SEARCH_WORD = "broadcasting"


# --- the course_run record (runs with the rest of the suite) ---------------------------------

RECORD = {"torch": "2.14.1", "torchvision": "0.29.1", "device": "cpu", "date": "2020-01-02"}


def small_notebook(text: str = "1") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("print(1)", id="cell-000-a")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return nbformat.v4.new_notebook(cells=[cell])


def stored(nb: nbformat.NotebookNode, path: Path, record: dict) -> bool:
    """Normalize and store ``nb`` at ``path`` with ``record`` as run_notebooks does."""
    nb = nbtools.normalize(nb, [])
    nbtools.stamp_run(nb, path, record)
    return nbtools.write_notebook(nb, path)


def test_run_record_keeps_its_date_while_the_outputs_stay(tmp_path):
    path = tmp_path / "nb.ipynb"
    assert stored(small_notebook(), path, RECORD)
    later = {**RECORD, "date": "2030-05-06"}
    first = path.read_bytes()
    assert not stored(nbformat.read(path, as_version=4), path, later)
    assert path.read_bytes() == first, "a re-run with the same outputs changed a byte"
    assert nbformat.read(path, as_version=4).metadata[nbtools.RUN_RECORD] == RECORD


def test_run_record_takes_the_new_date_when_an_output_changes(tmp_path):
    path = tmp_path / "nb.ipynb"
    stored(small_notebook("1"), path, RECORD)
    later = {**RECORD, "date": "2030-05-06"}
    assert stored(small_notebook("2"), path, later)
    assert nbformat.read(path, as_version=4).metadata[nbtools.RUN_RECORD] == later


def test_run_record_takes_the_new_date_when_torch_changes(tmp_path):
    path = tmp_path / "nb.ipynb"
    stored(small_notebook(), path, RECORD)
    newer = {**RECORD, "torch": "2.15.0", "date": "2030-05-06"}
    assert stored(nbformat.read(path, as_version=4), path, newer)
    assert nbformat.read(path, as_version=4).metadata[nbtools.RUN_RECORD] == newer


def test_template_accepts_exactly_the_run_record():
    nb = nbtools.normalize(small_notebook(), [])
    assert template.metadata_problems(nb, "") == []
    nb.metadata[nbtools.RUN_RECORD] = dict(RECORD)
    assert template.metadata_problems(nb, "") == []
    nb.metadata[nbtools.RUN_RECORD] = {**RECORD, "host": "my-laptop"}
    assert any("course_run must hold exactly" in p for p in template.metadata_problems(nb, ""))
    nb.metadata[nbtools.RUN_RECORD] = {**RECORD, "date": "Thursday"}
    assert any("YYYY-MM-DD" in p for p in template.metadata_problems(nb, ""))
    nb.metadata[nbtools.RUN_RECORD] = dict(RECORD)
    nb.metadata["widgets"] = {}
    assert any("canonical kernelspec" in p for p in template.metadata_problems(nb, ""))


@pytest.mark.parametrize("path", nbtools.chapter_paths(), ids=lambda path: path.stem)
def test_every_chapter_records_its_run(path):
    nb = nbformat.read(path, as_version=4)
    assert nbtools.RUN_RECORD in nb.metadata, f"{path.name}: run `make outputs NB={path}`"
    assert nbtools.run_record_problems(nb.metadata[nbtools.RUN_RECORD]) == []


def test_pages_workflow_publishes_make_site_from_main():
    from test_workflows import load

    workflow = load(nbtools.ROOT / ".github" / "workflows" / "pages.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "make site" in [step.get("run") for step in build["steps"]]
    makefile = (nbtools.ROOT / "Makefile").read_text()
    assert "$(BIN)/python tools/build_site.py" in makefile.split("\nsite:", 1)[1].split("\n\n")[0]
    upload = [s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"].rstrip("/") == "build/site"
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in build, "only the deploy job may write to Pages"


# --- the built site ---------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (Sphinx and its workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.fixture(scope="module")
def built() -> tuple[float, float]:
    """Build the site once (as `make site` does); return its wall-clock and CPU seconds."""
    start_time, start_cpu = time.perf_counter(), cpu_seconds()
    build_site.build()
    return time.perf_counter() - start_time, cpu_seconds() - start_cpu


class Page(HTMLParser):
    """The links, images, scripts, stylesheets, ids and text of one HTML page."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, address)
        self.ids: set[str] = set()
        self.texts: list[str] = []
        self.anchors: list[dict[str, str]] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.anchors.append(attrs)
        for attribute in ("href", "src"):
            if attrs.get(attribute):
                self.refs.append((tag, attribute, attrs[attribute]))

    def handle_data(self, data):
        self.texts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.texts))


def pages() -> dict[Path, Page]:
    return {path: Page(path) for path in sorted(SITE.rglob("*.html"))}


def chapter_page(path: Path) -> Path:
    return SITE / "chapters" / f"{path.stem}.html"


@pytest.mark.site
def test_the_site_builds_in_time(built):
    """The budget holds for the CPU time the build uses: its wall-clock time on the shared
    2-core machine grows with whatever else runs there (both are printed)."""
    wall, cpu = built
    print(f"\nthe site built in {wall:.1f} s ({cpu:.1f} s of CPU)")
    assert (SITE / "index.html").is_file()
    assert cpu < BUILD_BUDGET_S, f"the build used {cpu:.0f} s of CPU (budget {BUILD_BUDGET_S} s)"


@pytest.mark.site
@pytest.mark.parametrize("path", nbtools.chapter_paths(), ids=lambda path: path.stem)
def test_every_chapter_has_its_page(built, path):
    html_path = chapter_page(path)
    assert html_path.is_file(), f"no page for {path.name}"
    page = Page(html_path)
    nb = nbformat.read(path, as_version=4)
    title, _ = build_site.title_and_subtitle(nb)
    assert title.replace("`", "") in page.text
    hrefs = {anchor.get("href") for anchor in page.anchors}
    assert build_site.colab_student_url(path.name) in hrefs, "no Colab button for the student copy"
    assert build_site.binder_student_url(path.name) in hrefs, "no Binder button"
    assert f"../notebooks/{path.name}" in hrefs, "no download link for the notebook"
    assert (SITE / "notebooks" / path.name).read_bytes() == path.read_bytes()
    assert build_site.run_stamp(nb) in page.text
    pictures = sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )
    shown = [ref for ref in page.refs if ref[0] == "img" and "_images/" in ref[2]]
    assert len(shown) == pictures, "every stored picture is on the page"


@pytest.mark.site
@pytest.mark.parametrize("path", nbtools.chapter_paths(), ids=lambda path: path.stem)
def test_every_widget_says_how_to_run_it(built, path):
    nb = nbformat.read(path, as_version=4)
    widgets = [cell for cell in nb.cells if "nbval-ignore-output" in nbtools.tags(cell)]
    text = Page(chapter_page(path)).text
    assert text.count("Live widget.") == len(widgets)
    assert text.count("to move the sliders") == len(widgets)
    steppable = [cell for cell in widgets if build_site.WIDGET_CALL.match(cell.source)]
    assert text.count("Precomputed, no kernel needed") == len(steppable)
    online = [cell for cell in nb.cells if nbtools.ONLINE_TAG in nbtools.tags(cell)]
    assert text.count("This cell needs the internet") == len(online)


@pytest.mark.site
def test_front_page_lists_every_chapter(built):
    front = Page(SITE / "index.html")
    hrefs = [anchor.get("href", "") for anchor in front.anchors]
    for path in nbtools.chapter_paths():
        assert f"chapters/{path.stem}.html" in hrefs, f"{path.name} is not on the front page"
    for page in build_site.PAGES:
        assert (SITE / f"{page}.html").is_file()
        assert f"{page}.html" in hrefs


@pytest.mark.site
def test_no_broken_link_missing_image_or_online_asset(built):
    all_pages = pages()
    problems = []
    for path, page in all_pages.items():
        where = path.relative_to(SITE)
        for tag, attribute, address in page.refs:
            parts = urlsplit(address)
            if parts.scheme in ("http", "https") or address.startswith("//"):
                if tag != "a":  # a script, stylesheet, font or image from the internet
                    problems.append(f"{where}: <{tag} {attribute}> loads {address}")
                continue
            if parts.scheme:  # mailto:, javascript:, data:
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                problems.append(f"{where}: <{tag} {attribute}> {address}: no such file")
            elif parts.fragment and target.suffix == ".html":
                target_page = all_pages.get(target) or Page(target)
                if unquote(parts.fragment) not in target_page.ids:
                    problems.append(f"{where}: {address}: no such anchor")
    assert not problems, "\n".join(problems[:30])


# --- in a real browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    """A page of a headless Chromium started here, driven by Playwright, that may load files
    only: every other request is refused and recorded in ``page.refused``."""
    with chromium_page(tmp_path_factory.mktemp("chromium-site"), width=1400, height=900) as tab:
        tab.refused = []

        def only_files(route):
            if route.request.url.startswith(("file:", "data:", "about:")):
                route.continue_()
            else:
                tab.refused.append(route.request.url)
                route.abort()

        tab.route("**/*", only_files)
        yield tab


def open_in_mode(page, path: Path, mode: str) -> None:
    """Open ``path`` with Furo's theme set to ``mode`` (what its toggle stores) and check that
    the page is drawn in it."""
    page.emulate_media(color_scheme=mode)
    page.goto(path.as_uri())
    page.evaluate(f"localStorage.setItem('theme', {json.dumps(mode)})")
    page.reload()
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.theme") == mode
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    level = sum(int(v) for v in re.findall(r"\d+", background)[:3]) / 3
    assert (level > 128) == (mode == "light"), f"{mode} mode drew a {background} page"


def images_loaded(page) -> list[str]:
    """The images of the page that failed to load (none, when all is well)."""
    return page.evaluate(
        "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.src)"
    )


@pytest.mark.site
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_pages_in_a_browser(built, browser_page, mode):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chapters = nbtools.chapter_paths()
    widget_chapter = next(
        (p for p in chapters if '"nbval-ignore-output"' in p.read_text(encoding="utf-8")),
        chapters[-1],
    )
    targets = [SITE / "index.html", chapter_page(chapters[1]), chapter_page(widget_chapter)]
    for target in targets:
        open_in_mode(page, target, mode)
        page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        wait_for(lambda: not images_loaded(page), 30, f"the images of {target.name}")
        name = target.stem.split("_")[0] if target.parent.name == "chapters" else target.stem
        page.screenshot(path=SCREENSHOTS / f"{name}-{mode}.png")
        if target.parent.name != "chapters":
            continue
        assert page.locator(".course-launch a").count() >= 3
        assert page.locator(".toc-tree a").count() > 2, "no table of contents on the page"
        # a figure, and the note under a widget, as a reader scrolls to them
        notes = page.locator(".admonition", has_text="Live widget.")
        spot = notes.first if notes.count() else page.locator("div.cell_output img").first
        spot.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -300)")
        page.screenshot(path=SCREENSHOTS / f"{name}-{mode}-figure.png")
        steppers = page.locator(".course-states")
        if steppers.count():  # step a precomputed widget one value right, as a reader would
            stepper = steppers.first
            shown = "el => [...el.querySelectorAll('.course-state')].findIndex(s => !s.hidden)"
            before = stepper.evaluate(shown)
            last = stepper.locator(".course-state").count() - 1
            stepper.locator("input[type=range]").focus()
            page.keyboard.press("ArrowLeft" if before == last else "ArrowRight")
            after = before - 1 if before == last else before + 1
            assert stepper.evaluate(shown) == after, "the stepper did not show the next state"
            stepper.scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / f"{name}-{mode}-stepped.png")
    # TeX math typeset by the bundled MathJax, without the network
    with_math = [
        p
        for p in sorted((SITE / "chapters").glob("*.html"))
        if "math notranslate" in p.read_text(encoding="utf-8")
    ]
    if with_math:
        open_in_mode(page, with_math[0], mode)
        page.locator("mjx-container").first.wait_for(timeout=30_000)
    if mode == "light":  # a phone: the same page, one column, the menus folded
        page.set_viewport_size({"width": 390, "height": 844})
        open_in_mode(page, chapter_page(chapters[1]), mode)
        page.screenshot(path=SCREENSHOTS / "phone-light.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, (
            "page wider than a phone"
        )
        page.set_viewport_size({"width": 1400, "height": 900})
    # the search box of the sidebar, as a reader uses it
    page.locator("input.sidebar-search").fill(SEARCH_WORD)
    page.keyboard.press("Enter")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    page.screenshot(path=SCREENSHOTS / f"search-{mode}.png")
    found = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any("/chapters/" in href for href in found), f"no chapter found: {found}"
    assert not page.refused, f"the site asked the network for: {page.refused[:5]}"
