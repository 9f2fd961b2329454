"""The drawn procedure (docs/procedure/*.dot) is drawn from the transitions themselves and
committed as drawn: a transition added without regenerating the picture fails here."""

import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_fsm import Transition

from accounts.roles import PERMISSIONS
from cases.management.commands import draw_procedure
from cases.models import Application, State

EDGE = re.compile(r'^  "(?P<source>[^"]+)" -> "(?P<target>[^"]+)" \[id="(?P<id>[^"]+)", '
                  r"label=<(?P<label>.*)>, color=", re.M)
RECORD = re.compile(r'<TD ALIGN="LEFT" ID="(?P<id>[^"]+)">')


def test_the_committed_pictures_are_what_the_transitions_draw():
    # On failure: python manage.py draw_procedure --svg, and commit docs/procedure/.
    call_command("draw_procedure", "--check")


def test_every_transition_is_drawn_once_from_each_of_its_sources():
    machines = draw_procedure.machines()
    assert (Application, Application._meta.get_field("state")) in machines
    for model, field in machines:
        dot = draw_procedure.draw(model, field)
        transitions = list(field.get_all_transitions(model))
        moving = sorted(f"{t.name}__{t.source}" for t in transitions if t.target is not None)
        recording = sorted(f"{t.name}__{t.source}" for t in transitions if t.target is None)
        edges = [m for m in EDGE.finditer(dot) if m["source"] != "__start"]
        assert len(edges) == len(moving), model
        assert sorted(m["id"] for m in edges) == moving
        assert sorted(m["id"] for m in RECORD.finditer(dot)) == recording
        by_id = {m["id"]: m for m in edges}
        for transition in transitions:
            if transition.target is None:
                continue
            edge = by_id[f"{transition.name}__{transition.source}"]
            assert (edge["source"], edge["target"]) == (transition.source, transition.target)
            label = draw_procedure.facts(transition).label
            assert label in edge["label"]
        labels = dict(field.choices)
        for state in {m["source"] for m in edges} | {m["target"] for m in edges}:
            node = re.search(rf'^  "{state}" \[label=<(.*)>', dot, re.M)
            assert node and f"<B>{labels[state]}</B>" in node[1], state


def test_the_case_picture_names_states_roles_and_the_separation_in_chinese():
    dot = draw_procedure.draw(Application, Application._meta.get_field("state"))
    assert 'fontname="Noto Sans CJK SC"' in dot
    assert f"<B>{State.APPROVING.label}</B>" in dot
    approve = next(m for m in EDGE.finditer(dot) if m["id"] == "approve__approving")
    assert "审批确认" in approve["label"]
    assert f"{PERMISSIONS['approve_cases']}（非受理人、审核人）" in approve["label"]
    proposal = next(m for m in EDGE.finditer(dot) if m["id"] == "propose_approval__reviewing")
    assert "审核：拟同意" in proposal["label"]  # two outcomes of one label told apart
    assert "（非受理人）" in proposal["label"]
    # the same input draws the same text
    assert dot == draw_procedure.draw(Application, Application._meta.get_field("state"))


def test_a_transition_added_without_redrawing_fails_the_check(monkeypatch):
    field = Application._meta.get_field("state")
    real = field.get_all_transitions

    def reopen(self):
        """A new step."""

    extra = Transition(method=reopen, source=State.REJECTED, target=State.REVIEWING, on_error=None,
                       conditions=[], permission=None, custom={"label": "重新审核", "event": "重新审核"})
    monkeypatch.setattr(field, "get_all_transitions", lambda model: [*real(model), extra])
    with pytest.raises(CommandError, match="draw_procedure"):
        call_command("draw_procedure", "--check")
    dot = draw_procedure.draw(Application, field)
    assert '"rejected" -> "reviewing" [id="reopen__rejected", label=<重新审核' in dot


def test_a_plain_custom_dict_and_no_custom_at_all_are_drawn():
    def close(self):
        pass

    plain = Transition(method=close, source="open", target="closed", on_error=None, conditions=[],
                       permission=None, custom={"label": "办结", "event": "办结登记"})
    bare = Transition(method=close, source="open", target="closed", on_error=None, conditions=[],
                      permission=None, custom=None)
    assert (draw_procedure.facts(plain).label, draw_procedure.facts(plain).event) == ("办结", "办结登记")
    assert draw_procedure.facts(bare).label == "close"


def test_without_graphviz_the_dot_files_are_written_and_svg_is_skipped(monkeypatch, tmp_path, capsys,
                                                                         settings):
    monkeypatch.setattr(draw_procedure, "OUTPUT", tmp_path / "procedure")
    settings.BASE_DIR = tmp_path
    monkeypatch.setattr(shutil, "which", lambda name: None)
    call_command("draw_procedure", "--svg")
    assert (tmp_path / "procedure" / "application.dot").exists()
    assert not list((tmp_path / "procedure").glob("*.svg"))
    assert "apt-get install graphviz" in capsys.readouterr().err
