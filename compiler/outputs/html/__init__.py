"""HTML publication of the canonical table: country pages, cross-country index, CSVs.

``views`` and ``compare`` build small table models from the canonical rows, ``charts``
computes SVG geometry, ``render`` fills the Jinja2 templates of ``templates/``. Entry
point: :func:`write_html`.
"""

from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.render import write_html

__all__ = ["PackageMeta", "write_html"]
