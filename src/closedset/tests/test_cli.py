"""The `closedset` command's contract: exit codes, JSON shapes, one-line errors, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from closedset.cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_unplanned_slap_is_blocked_at_the_face(capsys):
    folder = EXAMPLES / "unplanned-slap"
    code, out, err = run(capsys, "check", str(folder / "plan.yaml"), str(folder), "--json")
    assert code == 4
    data = json.loads(out)
    assert data["status"] == "blocked"
    blocked = {(f["beat"], f["zone"]) for f in data["findings"] if f["status"] == "blocked"}
    assert blocked == {("b2", "face")}
    assert all(f["status"] == "clear" for f in data["findings"] if f["beat"] == "b1")


@pytest.mark.parametrize(
    "example,code", [("clear-kiss", 0), ("needs-discussion", 3), ("unplanned-slap", 4)]
)
def test_examples_exit_with_their_status(capsys, example, code):
    folder = EXAMPLES / example
    assert run(capsys, "check", str(folder / "plan.yaml"), str(folder))[0] == code


def test_human_output_is_a_table(capsys):
    folder = EXAMPLES / "unplanned-slap"
    code, out, _ = run(capsys, "check", str(folder / "plan.yaml"), str(folder))
    assert code == 4
    assert "mara: slap to face is a hard limit" in " ".join(out.split())
    assert "blocked" in out


def test_the_private_note_is_never_printed(capsys):
    folder = EXAMPLES / "needs-discussion"
    for extra in ([], ["--json"]):
        _, out, err = run(capsys, "check", str(folder / "plan.yaml"), str(folder), *extra)
        assert "neck" not in out + err


def test_bad_input_is_one_line_naming_file_line_and_value(capsys, tmp_path):
    plan = tmp_path / "plan.yaml"
    text = (EXAMPLES / "unplanned-slap" / "plan.yaml").read_text()
    plan.write_text(text.replace("zone: face", "zone: fase"))
    code, out, err = run(capsys, "check", str(plan), str(EXAMPLES / "unplanned-slap"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    line = text.splitlines().index("    zone: face") + 1
    assert f"{plan}:{line}:" in err and "'fase'" in err and "face" in err


def test_a_performer_with_no_profile_is_bad_input(capsys, tmp_path):
    (tmp_path / "mara.yaml").write_text((EXAMPLES / "unplanned-slap" / "mara.yaml").read_text())
    plan = EXAMPLES / "unplanned-slap" / "plan.yaml"
    code, _, err = run(capsys, "check", str(plan), str(tmp_path))
    assert code == 2 and "jonas" in err and err.count("\n") == 1


def test_missing_file_and_usage_errors_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.yaml"), str(tmp_path))
    assert code == 2 and "no such file" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check")
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and err.count("\n") == 1


def test_taxonomy_json(capsys):
    code, out, _ = run(capsys, "taxonomy", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"slap", "oral", "nudity-topless"} <= {act["id"] for act in data["acts"]}


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(b"\xff\xfe not utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "closedset.cli", "check", str(plan), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "UTF-8" in result.stderr


POOL = {
    "ada": "performer: ada\nboundaries:\n  - {act: kiss, direction: give, answer: yes}\n",
    "bea": "performer: bea\nboundaries:\n  - {act: kiss, direction: receive, answer: yes}\n",
    "cy": "performer: cy\nboundaries:\n  - {act: kiss, direction: receive, answer: maybe}\n"
    "  - {act: kiss, direction: give, answer: yes}\n",
    "zed": "performer: zed\nboundaries:\n  - {act: kiss, direction: receive, answer: no}\n",
}
OPEN_PLAN = """scene: 1
cast: {A: null, B: null}
beats:
  - {id: b1, act: kiss, by: A, to: B, zone: mouth}
"""


def pool(tmp_path, plan=OPEN_PLAN):
    for performer, text in POOL.items():
        (tmp_path / f"{performer}.yaml").write_text(text)
    (tmp_path / "plan.yaml").write_text(plan)
    return tmp_path


def test_cast_fills_open_roles_so_the_plan_is_clear(capsys, tmp_path):
    folder = pool(tmp_path)
    code, out, _ = run(capsys, "cast", str(folder / "plan.yaml"), "--pool", str(folder), "--json")
    assert code == 0
    assert json.loads(out) == {
        "count": 2,
        "assignments": [{"A": "ada", "B": "bea"}, {"A": "cy", "B": "bea"}],
    }


def test_cast_with_discussion_and_limit(capsys, tmp_path):
    folder = pool(tmp_path)
    args = ["cast", str(folder / "plan.yaml"), "--pool", str(folder), "--json"]
    code, out, _ = run(capsys, *args, "--allow-discussion", "--limit", "1")
    data = json.loads(out)
    # not discussed counts as discussion too: 4 givers x 3 possible receivers, minus self
    assert code == 0 and data["count"] == 9 and data["assignments"] == [{"A": "ada", "B": "bea"}]


def test_cast_with_no_possible_casting_exits_4(capsys, tmp_path):
    folder = pool(tmp_path, OPEN_PLAN.replace("act: kiss", "act: slap").replace("mouth", "face"))
    code, out, _ = run(capsys, "cast", str(folder / "plan.yaml"), "--pool", str(folder), "--json")
    assert code == 4 and json.loads(out) == {"count": 0, "assignments": []}


def test_cast_needs_a_profile_for_every_fixed_performer(capsys, tmp_path):
    folder = pool(tmp_path, OPEN_PLAN.replace("A: null", "A: mara"))
    code, out, err = run(capsys, "cast", str(folder / "plan.yaml"), "--pool", str(folder))
    assert code == 2 and "mara" in err and err.count("\n") == 1


def test_cast_human_output_with_nothing_open(capsys, tmp_path):
    folder = pool(tmp_path, OPEN_PLAN.replace("A: null, B: null", "A: ada, B: bea"))
    code, out, _ = run(capsys, "cast", str(folder / "plan.yaml"), "--pool", str(folder))
    assert code == 0 and "no open roles" in out and "acceptable" in out


def test_cast_exits_3_when_only_discussion_can_cast(capsys, tmp_path):
    folder = pool(
        tmp_path,
        OPEN_PLAN.replace("act: kiss", "act: embrace").replace("zone: mouth", "zone: back"),
    )
    args = ["cast", str(folder / "plan.yaml"), "--pool", str(folder), "--json"]
    code, out, _ = run(capsys, *args, "--allow-discussion")
    # nobody discussed hugging: every casting needs discussion
    assert code == 3 and json.loads(out)["count"] == 12
    assert run(capsys, *args)[0] == 4


def test_ids_that_look_like_numbers_keep_their_spelling(capsys, tmp_path):
    (tmp_path / "007.yaml").write_text(
        "performer: 007\nversion: 2\nboundaries:\n"
        "  - {act: nudity-rear, direction: self, answer: yes}\n"
    )
    (tmp_path / "plan.yaml").write_text(
        "scene: 12:30\ncast: {A: 007}\nbeats:\n  - {id: 0012, act: nudity-rear, by: A}\n"
        "  - {id: 1_0, act: nudity-rear, by: A}\n"
    )
    code, out, err = run(capsys, "check", str(tmp_path / "plan.yaml"), str(tmp_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["scene"] == "12:30"
    assert [f["beat"] for f in data["findings"]] == ["0012", "1_0"]
    assert data["findings"][0]["performer"] == "007"


def test_markup_in_ids_is_printed_as_it_is(capsys, tmp_path):
    folder = EXAMPLES / "unplanned-slap"
    plan = tmp_path / "plan.yaml"
    plan.write_text((folder / "plan.yaml").read_text().replace("id: b2", 'id: "[/x]"'))
    code, out, err = run(capsys, "check", str(plan), str(folder))
    assert code == 4, err
    assert "[/x]: blocked" in out


def test_a_missing_profile_names_the_cast_line_and_close_ids(capsys, tmp_path):
    folder = EXAMPLES / "unplanned-slap"
    plan = tmp_path / "plan.yaml"
    plan.write_text((folder / "plan.yaml").read_text().replace("B: jonas", "B: jonass"))
    code, _, err = run(capsys, "check", str(plan), str(folder))
    line = plan.read_text().splitlines().index("  B: jonass") + 1
    assert code == 2 and f"{plan}:{line}:" in err and "did you mean jonas" in err


def test_no_command_is_a_one_line_usage_error(capsys):
    code, out, err = run(capsys)
    assert code == 2 and err.count("\n") == 1 and "usage error" in err


def laughs(levels=10, width=10):
    """'Billion laughs': anchors a.., each a list of `width` aliases to the one before."""
    names = "abcdefghij"
    lines = ["  - &a [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*{names[level - 1]}"] * width)
        lines.append(f"  - &{names[level]} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_check_refuses_a_billion_laughs_plan_in_one_short_line(capsys, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "scene: 1\ncast: {A: mara, B: jonas}\ntitle:\n"
        + laughs()
        + "beats:\n  - {id: b1, act: kiss, by: A, to: B, zone: mouth}\n"
    )
    code, out, err = run(capsys, "check", str(plan), str(EXAMPLES / "clear-kiss"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and len(err) < 300
    assert err.startswith(f"closedset: error: {plan}:")
    assert "repeats parts of itself too many times (YAML aliases)" in err


def test_a_billion_laughs_profile_is_refused_within_bounded_memory(tmp_path):
    # The reported attack: the value the aliases expand to reached an error message. Run the
    # installed command with its address space capped, so expanding it cannot go unnoticed.
    resource = pytest.importorskip("resource")
    cap = 512 * 2**20

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mara.yaml").write_text("performer: mara\nboundaries: []\nversion:\n" + laughs())
    plan = tmp_path / "plan.yaml"
    plan.write_text("scene: 1\ncast: {A: mara}\nbeats:\n  - {id: b1, act: nudity-rear, by: A}\n")
    result = subprocess.run(
        [sys.executable, "-m", "closedset.cli", "check", str(plan), str(folder)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit_memory,
        timeout=300,  # a guard against hanging forever, not a measure of speed
    )
    assert result.returncode == 2, result.stderr[:500]
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 300
    assert "YAML aliases" in result.stderr and "mara.yaml:" in result.stderr
