"""The CDK app: `npx cdk synth` runs `uv run --frozen python -m infra.app` (see cdk.json).

Everything a deployer changes is CDK context (cdk.json, or `-c key=value`), read once into
DeploySettings. Synthesis needs no AWS account: the stack is environment-agnostic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk

from infra.compliance import check_with_aws_solutions
from infra.deploy_settings import SERVICE_NAME, STACK_NAME, DeploySettings
from infra.stack import AiInterviewerStack


def build_app(context: Mapping[str, Any] | None = None) -> cdk.App:
    """The app with its one stack and cdk-nag; `context` replaces the CLI's (tests pass cdk.json's)."""
    app = cdk.App(context=dict(context)) if context is not None else cdk.App()
    settings = DeploySettings.from_context(app.node)
    AiInterviewerStack(
        app,
        STACK_NAME,
        stack_name=settings.stack_name,
        settings=settings,
        description="AI Interviewer: resume ranking, interviews, vacancies and tags over signed webhooks",
    )
    # RDS Proxy target groups take no tags (CloudFormation rejects them).
    for key, value in {"service": SERVICE_NAME, "stage": settings.stage}.items():
        cdk.Tags.of(app).add(key, value, exclude_resource_types=["AWS::RDS::DBProxyTargetGroup"])
    check_with_aws_solutions(app)
    return app


def main() -> None:
    build_app().synth()


if __name__ == "__main__":
    main()
