"""`ai-interviewer invoke --list --sam`: the logical ids it prints are the synthesized template's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ai_interviewer import cli
from ai_interviewer.local import invoke

from tests.infra.synthesis import Synthesized


def test_list_sam_names_each_functions_logical_id_in_the_synthesized_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, default_stack: Synthesized
) -> None:
    synthesized = default_stack
    template = tmp_path / "AiInterviewer.template.json"
    template.write_text(json.dumps(synthesized.raw))
    assert cli.main(["invoke", "--list", "--sam", "--template", str(template)]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    handlers = {
        logical_id: resource["Properties"]["Handler"]
        for logical_id, resource in synthesized.resources("AWS::Lambda::Function").items()
    }
    for function in invoke.functions():
        logical_id, *samples = rows[function.name]
        assert handlers[logical_id] == function.handler
        expected = [path.name for path in function.sample_events()] or ["(no", "sample", "event)"]
        assert [Path(sample).name for sample in samples] == expected
    assert rows["api"][0].startswith("ApiApiFunction")
