"""Sphinx configuration of the course's website (`make site`, tools/build_site.py).

tools/build_site.py copies this folder into build/site-src/, stages the chapters and the pages
beside it, then runs Sphinx there. The notebooks are never executed: myst-nb shows the outputs
stored in them. Everything a page loads is local (Furo's assets, Sphinx's search index, the
MathJax of the sphinx-mathjax-offline package), so the site works offline.
"""

import shutil
from pathlib import Path

project = "Interactive PyTorch"
author = "the course's contributors"
copyright = "the course's contributors"  # noqa: A001 (Sphinx's name)

extensions = ["myst_nb"]
exclude_patterns = ["_extra", "_static", "Thumbs.db", ".DS_Store"]
# A traceback that an output shows on purpose is not always valid for the lexer (shown plain);
# a chapter that skips a heading level is still readable. Every other warning (a broken link or
# reference, a missing image) fails the build.
suppress_warnings = ["misc.highlighting_failure", "myst.header"]

# Notebooks: the stored outputs as they are, nothing executed.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3  # the README's links to its own headings (#gpu, ...)

html_theme = "furo"
html_title = "Interactive PyTorch"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_extra_path = ["_extra"]  # the notebooks to download, under notebooks/ and student/
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {"navigation_with_keys": True}

# Math without the internet: MathJax 3 from the sphinx-mathjax-offline package, copied into
# _static/mathjax (only the parts a page with TeX math loads).
mathjax_path = "mathjax/tex-chtml.js"
MATHJAX_PARTS = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui"]


def _mathjax_source() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("sphinx-mathjax-offline is missing: it comes with requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _copy_mathjax(app, exception):
    if exception is not None:
        return
    source, target = _mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / part, target / part)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
