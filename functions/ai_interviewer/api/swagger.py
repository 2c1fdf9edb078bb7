"""Swagger UI for the OpenAPI document, as one self-contained HTML page.

Powertools' `enable_swagger` inlines Swagger UI's script and styles (shipped in its package) but renders
the document Powertools generates itself; ours is completed afterwards (`api/openapi.py`), so the page
is built here with the same HTML generator and the same bundled assets.
"""

from __future__ import annotations

from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

_ASSETS = Path(swagger_ui.__file__).parent


def swagger_html(document_json: str) -> str:
    """The page, with `document_json` embedded (its `</` escaped so it cannot close the script tag)."""
    script = (_ASSETS / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    styles = (_ASSETS / "swagger-ui.min.css").read_text(encoding="utf-8")
    return generate_swagger_html(
        document_json.replace("</", "<\\/"),
        script,
        styles,
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )
