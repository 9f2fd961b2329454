"""Draw the procedure from the transitions themselves: one Graphviz DOT file per state
machine (every FSMField of Application, Registration, Benefit and Review) in docs/procedure/.

States are the field's choices, labelled in Chinese. Each (source, target, transition)
is one edge, labelled with the step's label and, smaller, the role it needs (the
permission's label from accounts.roles.PERMISSIONS) and who may not take it (三分离).
Steps without a target record something without moving the case: they are listed in the
box of each state they can be taken in. Edges are coloured by role (legend at the side).

    manage.py draw_procedure          write docs/procedure/*.dot
    manage.py draw_procedure --svg    also render *.svg with Graphviz's `dot`
    manage.py draw_procedure --check  fail if the files on disk are not what the code draws

The output is plain text built here (no Python dependency) and deterministic: states in
the order of their choices, edges sorted, so a test can compare it with the committed file.
"""

import html
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django_fsm import ANY_OTHER_STATE, ANY_STATE, FSMFieldMixin

from accounts.roles import PERMISSIONS
from cases.models import Application, Benefit, FraudFinding, Registration, Review
from cases.steps import StepInfo

FONT = "Noto Sans CJK SC"
OUTPUT = Path(settings.BASE_DIR) / "docs" / "procedure"
REGENERATE = "python manage.py draw_procedure --svg"

# One colour per permission: the procedure's own roles fixed, any other from the palette.
PALETTE = ["#ef6c00", "#5d4037", "#ad1457", "#827717", "#455a64"]
ROLE_COLOURS = {"refer_cases": "#2e7d32", "handle_cases": "#1565c0", "approve_cases": "#c62828",
                "review_filings": "#6a1b9a", "verify_economic_status": "#00838f"}
for _perm in PERMISSIONS:
    ROLE_COLOURS.setdefault(_perm, PALETTE[len(ROLE_COLOURS) % len(PALETTE)])
NO_ROLE = "#616161"
RECORD = "#757575"  # the text of the steps listed in a state's box


def machines():
    """(model, field) for every FSMField of the drawn models, in a fixed order."""
    return [(model, field) for model in (Application, Registration, Benefit, Review,
                                                 FraudFinding)
            for field in model._meta.fields if isinstance(field, FSMFieldMixin)]


def filename(model, field) -> str:
    fields = [f for f in model._meta.fields if isinstance(f, FSMFieldMixin)]
    name = model._meta.model_name if len(fields) == 1 else f"{model._meta.model_name}_{field.name}"
    return f"{name}.dot"


@dataclass(frozen=True)
class Step:
    """What the picture says about one transition."""

    name: str
    label: str
    event: str
    perm: str
    not_by: tuple[str, ...]
    line: int = 0  # where the class declares it: a state's own steps are listed in this order


def facts(transition) -> Step:
    custom = transition.custom or {}
    info = custom.get("step")
    line = getattr(getattr(transition.method, "__code__", None), "co_firstlineno", 0)
    if isinstance(info, StepInfo):
        return Step(transition.name, info.label, info.event, info.perm, tuple(info.not_by), line)
    perm = custom.get("perm") or getattr(transition.permission, "perm", None)
    if perm is None and isinstance(transition.permission, str):
        perm = transition.permission.rpartition(".")[2]  # "app.codename"
    return Step(transition.name, custom.get("label") or transition.name,
                custom.get("event") or custom.get("label") or transition.name,
                perm or "", tuple(custom.get("not_by") or ()), line)


def expand_sources(source, states: list[str], target) -> list[str]:
    if source == ANY_STATE:
        return list(states)
    if source == ANY_OTHER_STATE:
        return [s for s in states if s != target]
    return [source]


def expand_targets(target) -> list[str | None]:
    """A target state, None (records without moving), or RETURN_VALUE/GET_STATE's
    allowed states."""
    if target is None or isinstance(target, str):
        return [target]
    return list(getattr(target, "allowed_states", None) or [None])


def participant_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def role_text(model, step: Step) -> str:
    text = PERMISSIONS.get(step.perm, step.perm)
    if step.not_by:
        text += "（非" + "、".join(participant_label(model, p) for p in step.not_by) + "）"
    return text


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def quoted(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def draw(model, field) -> str:
    """The DOT text of one machine."""
    states = [str(value) for value, _ in field.choices]
    labels = {str(value): str(label) for value, label in field.choices}
    order = {state: i for i, state in enumerate(states)}

    edges = []  # (source, target, Step)
    records = {state: [] for state in states}  # state -> [Step] without a target
    for transition in field.get_all_transitions(model):
        step = facts(transition)
        for target in expand_targets(transition.target):
            for source in expand_sources(transition.source, states, target):
                if source not in order:
                    order[source] = len(order)
                    states.append(source)
                    labels[source] = source
                    records[source] = []
                if target is None:
                    records[source].append(step)
                    continue
                if target not in order:
                    order[target] = len(order)
                    states.append(target)
                    labels[target] = target
                    records[target] = []
                edges.append((source, target, step))
    # States in the order of their choices; a state's own steps in the order the class
    # declares them.
    edges.sort(key=lambda e: (order[e[0]], order[e[1]], e[2].name))
    for steps in records.values():
        steps.sort(key=lambda s: (s.line, s.name))
    # Two steps from one state with one label (e.g. the two outcomes of a proposal): the
    # timeline's entry tells them apart.
    seen: dict[tuple[str, str], int] = {}
    for source, _, step in edges:
        seen[source, step.label] = seen.get((source, step.label), 0) + 1

    initial = str(field.default) if field.has_default() else None
    leaving = {source for source, _, _ in edges}
    used = {s for s, _, _ in edges} | {t for _, t, _ in edges} | {s for s in states if records[s]}
    if initial:
        used.add(initial)

    title = f"{model._meta.verbose_name}（{field.verbose_name}）"
    out = [
        f"// The procedure of {model._meta.label}.{field.name}, drawn by cases/management/commands/"
        f"draw_procedure.py",
        f"// from the transitions themselves. Do not edit: regenerate with `{REGENERATE}`.",
        f"digraph {model._meta.model_name} {{",
        f'  graph [label=<<B>{esc(title)}</B><BR/><FONT POINT-SIZE="10" COLOR="{RECORD}">'
        "实线：改变状态的步骤（小字：所需权限，括号内为三分离不得办理的人）；"
        "框内灰字：只记录、不改变状态的步骤"
        f'</FONT>>, labelloc=t, fontname={quoted(FONT)}, fontsize=18, rankdir=TB, '
        "nodesep=0.5, ranksep=0.6, newrank=true];",
        f"  node [fontname={quoted(FONT)}, fontsize=13, shape=box, style=\"rounded,filled\", "
        'fillcolor="#f5f7fa", color="#37474f", margin="0.15,0.06"];',
        f"  edge [fontname={quoted(FONT)}, fontsize=11, arrowsize=0.8];",
    ]
    if initial:
        out.append('  "__start" [label="", shape=circle, style=filled, fillcolor=black, width=0.18];')
    for state in states:
        if state not in used:
            continue
        rows = [f"<TR><TD><B>{esc(labels[state])}</B></TD></TR>"]
        for step in records[state]:
            rows.append(
                f'<TR><TD ALIGN="LEFT" ID="{esc(step.name)}__{esc(state)}">'
                f'<FONT POINT-SIZE="10" COLOR="{RECORD}">· {esc(step.label)}'
                f'<FONT POINT-SIZE="8">　{esc(role_text(model, step))}</FONT></FONT></TD></TR>')
        attributes = [f'label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                      f'{"".join(rows)}</TABLE>>']
        if state not in leaving:
            attributes.append("peripheries=2")  # nowhere to go from here
        out.append(f"  {quoted(state)} [{', '.join(attributes)}];")
    if initial:
        out.append(f'  "__start" -> {quoted(initial)} [arrowsize=0.6];')
    for source, target, step in edges:
        colour = ROLE_COLOURS.get(step.perm, NO_ROLE)
        text = esc(step.label)
        if seen[source, step.label] > 1 and step.event != step.label:
            text += f'<BR/><FONT COLOR="#37474f">{esc(step.event)}</FONT>'
        text += f'<BR/><FONT POINT-SIZE="8" COLOR="{colour}">{esc(role_text(model, step))}</FONT>'
        out.append(f"  {quoted(source)} -> {quoted(target)} [id={quoted(f'{step.name}__{source}')}, "
                   f"label=<{text}>, color={quoted(colour)}];")
    perms = sorted({step.perm for _, _, step in edges} | {s.perm for r in records.values() for s in r},
                   key=lambda p: (list(PERMISSIONS).index(p) if p in PERMISSIONS else len(PERMISSIONS), p))
    if perms:
        legend = "".join(
            f'<TR><TD><FONT COLOR="{ROLE_COLOURS.get(p, NO_ROLE)}">━━</FONT></TD>'
            f'<TD ALIGN="LEFT">{esc(PERMISSIONS.get(p, p or "（未声明）"))}</TD></TR>' for p in perms)
        out.append(f'  "__legend" [shape=plaintext, style="", fontsize=10, label=<<TABLE BORDER="1" '
                   f'CELLBORDER="0" CELLSPACING="2" COLOR="#b0bec5"><TR><TD COLSPAN="2"><B>所需权限'
                   f"</B></TD></TR>{legend}</TABLE>>];")
    out.append("}")
    return "\n".join(out) + "\n"


class Command(BaseCommand):
    help = ("Draw the case and registration procedures from their transitions as Graphviz "
            "DOT files in docs/procedure/ (--svg: also render SVG; --check: compare only).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="exit non-zero if the files on disk differ from what the code draws")
        parser.add_argument("--svg", action="store_true",
                            help="also render an .svg next to each .dot with Graphviz's dot")

    def handle(self, *args, check=False, svg=False, **options):
        drawn = {OUTPUT / filename(model, field): draw(model, field) for model, field in machines()}
        if check:
            stale = [path for path, text in drawn.items()
                     if not path.exists() or path.read_text(encoding="utf-8") != text]
            if stale:
                names = "、".join(str(p.relative_to(settings.BASE_DIR)) for p in stale)
                raise CommandError(f"流程图与代码中的状态转换不一致：{names}。"
                                   f"请运行 {REGENERATE} 重新生成并提交。")
            self.stdout.write(f"流程图与代码一致（{len(drawn)} 个）。")
            return
        OUTPUT.mkdir(parents=True, exist_ok=True)
        for path, text in drawn.items():
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"已生成 {path.relative_to(settings.BASE_DIR)}")
        if not svg:
            return
        dot = shutil.which("dot")
        if dot is None:
            self.stderr.write("未找到 Graphviz 的 dot 程序，跳过 SVG。请安装：apt-get install graphviz")
            return
        for path in drawn:
            target = path.with_suffix(".svg")
            result = subprocess.run([dot, "-Tsvg", str(path), "-o", str(target)],
                                    capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise CommandError(f"dot 无法绘制 {path.name}：{result.stderr.strip()}")
            self.stdout.write(f"已生成 {target.relative_to(settings.BASE_DIR)}")
