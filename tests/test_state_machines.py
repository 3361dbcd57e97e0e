"""Every status moves through one model method that checks the model's transition table (DESIGN.md §3).

The tables are walked edge by edge through `move_to`; every move not in a table must raise; and the
source is scanned so that nothing but `core.states.StateMachine.move_to` assigns a status.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from innokop.calloffs.models import CallOff, CallOffStatus, OfferStatus, RankingOffer, Tender, TenderStatus
from innokop.catalogue.models import Evidence, Solution
from innokop.core.states import InvalidTransition, StateMachine

SRC = Path(__file__).resolve().parents[1] / "src" / "innokop"
THE_ONE_PLACE = SRC / "core" / "states.py"


def _machines() -> list[type]:
    return sorted((m for m in apps.get_models() if issubclass(m, StateMachine)), key=lambda m: m._meta.label)


def _edges() -> list[tuple[type, str, str]]:
    return [(model, current, target) for model in _machines()
            for current, targets in model.TRANSITIONS.items() for target in sorted(targets)]


def _impossible() -> list[tuple[type, str, str]]:
    return [(model, current, target) for model in _machines()
            for current, targets in model.TRANSITIONS.items()
            for target, _label in model._meta.get_field("status").choices if target not in targets]


def test_every_model_with_a_status_has_a_transition_table():
    ours = [m for m in apps.get_models() if m._meta.app_config.name.startswith("innokop.")]
    with_status = {m for m in ours if any(f.name == "status" and f.choices for f in m._meta.fields)}
    assert with_status == set(_machines())
    assert {CallOff, Tender, RankingOffer, Solution, Evidence} <= with_status


@pytest.mark.parametrize("model", _machines(), ids=lambda m: m.__name__)
def test_a_table_names_only_statuses_of_its_model(model):
    choices = {value for value, _label in model._meta.get_field("status").choices}
    assert set(model.TRANSITIONS) <= choices
    assert set().union(*model.TRANSITIONS.values()) <= choices
    assert model._meta.get_field("status").default in model.TRANSITIONS


def test_the_call_off_stores_every_status_but_those_the_clock_decides():
    derived = {CallOffStatus.SCHEDULED, CallOffStatus.TENDERING, CallOffStatus.AWAITING_OPENING}
    assert set(CallOff.TRANSITIONS) == set(CallOffStatus.values) - derived
    assert not derived & set().union(*CallOff.TRANSITIONS.values())
    before_contract = set(CallOff.TRANSITIONS) - {CallOffStatus.CONTRACTED, CallOffStatus.CANCELLED}
    assert all(CallOffStatus.CANCELLED in CallOff.TRANSITIONS[status] for status in before_contract)  # rule 10


@pytest.mark.parametrize(("model", "current", "target"), _edges(),
                         ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
def test_every_transition_in_the_table_works_through_the_method(model, current, target):
    instance = model(status=current)
    assert instance.can_move_to(target)
    instance.move_to(target)
    assert instance.status == target


@pytest.mark.parametrize(("model", "current", "target"), _impossible(),
                         ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
def test_an_impossible_move_raises(model, current, target):
    instance = model(status=current)
    assert not instance.can_move_to(target)
    with pytest.raises(InvalidTransition) as refused:
        instance.move_to(target)
    assert instance.status == current
    assert (refused.value.current, refused.value.target) == (current, target)


def test_the_error_names_the_model_and_both_statuses():
    with pytest.raises(InvalidTransition, match="CallOff None: no transition from 'draft' to 'contracted'"):
        CallOff(status=CallOffStatus.DRAFT).move_to(CallOffStatus.CONTRACTED)
    assert issubclass(InvalidTransition, RuntimeError)
    offer, tender = RankingOffer(status=OfferStatus.DECLINED), Tender(status=TenderStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        offer.move_to(OfferStatus.ACCEPTED)
    with pytest.raises(InvalidTransition):
        tender.move_to(TenderStatus.QUALIFIED)  # a draft was never opened


# --- nothing else assigns a status -----------------------------------------------------------------


def _is_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "status"
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(_is_status(element) for element in node.elts)
    return isinstance(node, ast.Starred) and _is_status(node.value)


def _constructor_lines(tree: ast.AST) -> set[int]:
    """Lines of `__init__` methods: an object setting up its own attribute (an HTTP status) is no transition."""
    return {line for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "__init__"
            for line in range(node.lineno, node.end_lineno + 1)}


def _status_writes(tree: ast.AST):
    """Assignments to `<anything>.status`, `setattr(x, "status", ...)` and `.update(status=...)`."""
    constructors = _constructor_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.lineno in constructors and all(
                isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                for t in node.targets):
            continue
        if isinstance(node, ast.Assign) and any(_is_status(t) for t in node.targets):
            yield node.lineno
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and _is_status(node.target):
            yield node.lineno
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value == "status":
                yield node.lineno
            elif name == "update" and any(k.arg == "status" for k in node.keywords):
                yield node.lineno


# The one module that writes a status of a model that is not Innoköp's: django-tasks-db's task results, put back
# in the queue when their worker died (core/taskqueue.py); the queue's states are that library's.
NOT_OURS = SRC / "core" / "taskqueue.py"


def test_no_module_assigns_a_status_except_the_transition_method():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path == NOT_OURS:
            continue
        lines = _status_writes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found += [f"{path.relative_to(SRC.parent)}:{line}" for line in lines]
    source = THE_ONE_PLACE.read_text(encoding="utf-8").splitlines()
    allowed = [f"{THE_ONE_PLACE.relative_to(SRC.parent)}:{n}" for n, text in enumerate(source, 1)
               if text.strip() == "self.status = status"]
    assert len(allowed) == 1
    assert found == allowed, "set a status with instance.move_to(new_status), not by assignment"
