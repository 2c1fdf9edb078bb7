"""Write each variant's synthesized template for the template scanners (checkov, cfn-lint in CI):

    uv run python -m infra.templates cdk.out/scan

The DynamoDB variant as cdk.json has it, and the PostgreSQL one with every opt-in (source allow-list,
WAF) so that the scanners see every resource the app can make. Assets are not bundled: the scanners
read the template, not the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from infra.app import build_app
from infra.deploy_settings import STACK_NAME

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
VARIANTS: dict[str, dict[str, Any]] = {
    "dynamodb": {},
    "postgres": {
        "vacancy_store": "postgres",
        "allowed_source_cidrs": "203.0.113.0/24",
        "waf_rate_limit_per_ip": 1000,
    },
}


def write_templates(output: Path) -> list[Path]:
    context = json.loads(CDK_JSON.read_text(encoding="utf-8"))["context"]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, overrides in VARIANTS.items():
        assembly = build_app({**context, "aws:cdk:bundling-stacks": [], **overrides}).synth()
        template = assembly.get_stack_artifact(STACK_NAME).template
        path = output / f"{name}.template.json"
        path.write_text(json.dumps(template, indent=1), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_templates(Path(sys.argv[1] if len(sys.argv) > 1 else "cdk.out/scan")):
        print(path)
