"""Follow-ups against the simulated history: one per flag episode, transitions, snooze, re-flagging, before/after."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from click.testing import CliRunner
from simulated_warehouse import copy_warehouse

from alerts.workflow.episodes import plan, sync
from alerts.workflow.followups import FollowupError, add_action, get_followup, list_followups, set_followup
from connector.cli import cli
from connector.simulator.tenant import DEPARTMENTS
from warehouse import db

# people without a department form the "Unassigned" department, which the simulator keeps flat at 25 % (stagnate)
STUCK = {d for d, k in DEPARTMENTS if k in ("stagnate", "decline")} | {"Unassigned"}
W46_END, W47_END = 62, 69  # the simulated days the weeks end on


def evaluated(t, week_end: int, weeks: int = 4, min_days: int = 30) -> set[str]:
    """Ground truth: the departments with at least 5 people licensed for `min_days` (from the licence assignment)
    in each of the `weeks` weeks up to `week_end`: the ones the rule evaluates (the rest collect history)."""
    names = [DEPARTMENTS[d][0] if d >= 0 else "Unassigned" for d in range(-1, len(DEPARTMENTS))]
    out = set()
    for d, name in zip(range(-1, len(DEPARTMENTS)), names, strict=True):
        if all(int((t.licensed(e) & (t.dept_on(e) == d) & (t.lic_start <= e - min_days)).sum()) >= 5
               for e in range(week_end - 7 * (weeks - 1), week_end + 1, 7)):
            out.add(name)
    return out
TODAY = date(2026, 11, 23)
W46, W47 = date(2026, 11, 9), date(2026, 11, 16)


@pytest.fixture(scope="module")
def flagged(model_warehouse) -> dict[date, set[str]]:
    """The departments flagged in W46 and W47: the stuck ones the rule evaluates by then."""
    t = model_warehouse[2]
    return {W46: STUCK & evaluated(t, W46_END), W47: STUCK & evaluated(t, W47_END)}


@pytest.fixture
def cfg(model_warehouse, tmp_path):
    return copy_warehouse(model_warehouse[0], tmp_path / "wh", extra_config='[alerts]\ndimensions = ["department"]\n')


def by_group(cfg):
    return {f.group_name: f for f in list_followups(cfg)}


def test_one_follow_up_per_episode_opened_once(cfg, flagged):
    assert {"Marketing", "Legal"} <= flagged[W46] < flagged[W47]  # departments licensed later are evaluated later
    week, states = sync(cfg, "2026-W46")
    assert week == W46 and {s.flag.group_name for s in states} == flagged[W46]
    first = by_group(cfg)
    assert set(first) == flagged[W46] and {f.status for f in first.values()} == {"open"}
    assert {f.episode_start for f in first.values()} == {W46}  # W43..W45 were collecting history
    week, states = sync(cfg)  # the latest week: the same episodes continue, newly evaluated groups open theirs
    assert week == W47
    again = by_group(cfg)
    assert set(again) == flagged[W47]
    assert {g: again[g].id for g in first} == {g: f.id for g, f in first.items()}
    assert {f.last_flagged_week for f in again.values()} == {W47}
    assert {again[g].episode_start for g in flagged[W47] - flagged[W46]} == {W47}
    sync(cfg)
    assert len(list_followups(cfg)) == len(flagged[W47])
    assert all(f.opened_reason for f in again.values())


def test_transitions_notes_and_history(cfg):
    sync(cfg)
    f = by_group(cfg)["Marketing"]
    f = set_followup(cfg, f.id, status="acknowledged", owner="mia@contoso.example", note="seen", author="mia",
                     today=TODAY)
    assert (f.status, f.owner) == ("acknowledged", "mia@contoso.example")
    with pytest.raises(FollowupError, match="it can go to: in_progress, snoozed, resolved"):
        set_followup(cfg, f.id, status="open", today=TODAY)
    with pytest.raises(FollowupError, match="needs a date"):
        set_followup(cfg, f.id, status="snoozed", today=TODAY)
    with pytest.raises(FollowupError, match="must be after today"):
        set_followup(cfg, f.id, snooze_until=date(2026, 11, 1), today=TODAY)
    with pytest.raises(FollowupError, match="nothing to change"):
        set_followup(cfg, f.id, today=TODAY)
    with pytest.raises(FollowupError, match="no follow-up #999"):
        set_followup(cfg, 999, note="x", today=TODAY)
    f = set_followup(cfg, f.id, snooze_until=date(2026, 12, 7), today=TODAY)
    assert (f.status, f.snooze_until) == ("snoozed", date(2026, 12, 7))
    f = set_followup(cfg, f.id, status="in_progress", today=TODAY)
    assert (f.status, f.snooze_until) == ("in_progress", None)
    f = set_followup(cfg, f.id, status="resolved", note="habit is back", today=TODAY)
    f = set_followup(cfg, f.id, status="open", note="reopened", today=TODAY)
    detail = get_followup(cfg, f.id)
    assert [(e.kind, e.old_value, e.new_value) for e in detail.events if e.kind != "note"] == [
        ("opened", None, "open"), ("status", "open", "acknowledged"), ("owner", None, "mia@contoso.example"),
        ("status", "acknowledged", "snoozed until 2026-12-07"), ("status", "snoozed", "in_progress"),
        ("status", "in_progress", "resolved"), ("status", "resolved", "open")]
    assert [e.note for e in detail.events if e.kind == "note"] == ["seen", "habit is back", "reopened"]
    assert detail.events[1].author == "mia" and detail.events[0].event_at.tzinfo is not None


def test_snooze_suppresses_until_its_date_then_reopens(cfg):
    sync(cfg, "2026-W46")
    f = by_group(cfg)["Legal"]
    set_followup(cfg, f.id, snooze_until=date(2026, 11, 23), today=date(2026, 11, 12))
    con = db.connect(cfg.warehouse.path, read_only=True)
    try:
        states = {s.flag.group_name: s for s in plan(con, W47, ["department"])}
    finally:
        con.close()
    assert states["Legal"].skip_reason == "snoozed until 2026-11-23"  # W47 ends 11-22, before the snooze date
    set_followup(cfg, f.id, snooze_until=date(2026, 11, 22), today=date(2026, 11, 12))
    _, states = sync(cfg, "2026-W47")  # the snooze has passed and Legal is still flagged: alert again, reopen
    legal = next(s for s in states if s.flag.group_name == "Legal")
    assert legal.skip_reason is None and legal.status == "open"
    assert get_followup(cfg, f.id).events[-1].kind == "snooze_ended"


def test_resolved_is_quiet_for_the_episode_and_a_new_flag_opens_a_new_item(cfg):
    sync(cfg, "2026-W46")
    f = by_group(cfg)["Marketing"]
    set_followup(cfg, f.id, status="resolved", today=TODAY)
    _, states = sync(cfg, "2026-W47")
    mkt = next(s for s in states if s.flag.group_name == "Marketing")
    assert mkt.followup_id == f.id and mkt.skip_reason.startswith("resolved")
    # Marketing recovered in W46 (unflagged), so W47 starts a new episode: a new item, alerted again
    con = duckdb.connect(cfg.warehouse.path)
    con.execute("update mart_stagnation set flagged = false, status = 'ok' where dimension = 'department' "
                "and group_name = 'Marketing' and week_start = ?", [W46])
    con.close()
    _, states = sync(cfg, "2026-W47")
    mkt = next(s for s in states if s.flag.group_name == "Marketing")
    assert mkt.flag.episode_start == W47 and mkt.followup_id != f.id and mkt.skip_reason is None
    assert [x.status for x in list_followups(cfg, group_name="Marketing")] == ["open", "resolved"]


def test_before_and_after_the_first_action(cfg):
    sync(cfg)
    f = by_group(cfg)["Human Resources"]
    with pytest.raises(FollowupError, match="needs a note"):
        add_action(cfg, f.id, "other", today=TODAY)
    with pytest.raises(FollowupError, match="in the future"):
        add_action(cfg, f.id, "training", action_date=date(2026, 12, 1), today=TODAY)
    with pytest.raises(FollowupError, match="must be one of"):
        add_action(cfg, f.id, "pizza", today=TODAY)
    a = add_action(cfg, f.id, "training", note="hands-on", action_date=date(2026, 11, 4), today=TODAY)  # in W45
    add_action(cfg, f.id, "prompt_pack", action_date=date(2026, 11, 18), today=TODAY)
    assert a.kind == "training" and a.action_date == date(2026, 11, 4)
    detail = get_followup(cfg, f.id)
    assert detail.followup.status == "in_progress" and detail.followup.actions == 2
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    weeks = {w: (a, e) for w, a, e in con.execute(
        "select week_start, active_users, eligible_users from mart_stagnation where dimension = 'department' "
        "and group_name = 'Human Resources'").fetchall()}
    con.close()
    ba = detail.before_after
    assert ba.first_action == date(2026, 11, 4) and ba.action_week == date(2026, 11, 2)
    # the weeks' own active and eligible people (compare_weeks = 4, but only two complete weeks each side, and a
    # week counts only with at least 5 eligible people: Human Resources' licences came a few days before W43)
    before = [weeks[w] for w in (date(2026, 10, 19), date(2026, 10, 26)) if (weeks.get(w, (0, 0))[1] or 0) >= 5]
    after = [weeks[W46], weeks[W47]]
    assert (ba.before_weeks, ba.after_weeks) == (len(before), 2) and before

    def pooled(ws: list[tuple[int, int]]) -> float:
        return sum(a for a, _ in ws) / sum(e for _, e in ws)

    assert ba.before_rate == pytest.approx(pooled(before)) and ba.after_rate == pytest.approx(pooled(after))
    assert ba.change_points == pytest.approx((pooled(after) - pooled(before)) * 100)
    assert ba.change_points < 0  # Human Resources is a declining department in the simulation


def test_cli_followups(cfg, flagged):
    runner = CliRunner()
    out = runner.invoke(cli, ["followups", "sync", "--config", cfg.source])
    assert out.exit_code == 0 and f"2026-W47: {len(flagged[W47])} flagged group(s)" in out.output
    fid = str(by_group(cfg)["Marketing"].id)
    out = runner.invoke(cli, ["followups", "action", fid, "--kind", "office_hours", "--date", "2026-11-10",
                              "--config", cfg.source])
    assert out.exit_code == 0 and "logged office_hours on 2026-11-10" in out.output
    out = runner.invoke(cli, ["followups", "set", fid, "--snooze-until", "2099-01-01", "--note", "[red]x",
                              "--config", cfg.source])
    assert out.exit_code == 0 and "snoozed until 2099-01-01" in out.output
    out = runner.invoke(cli, ["followups", "list", "--config", cfg.source])
    assert out.exit_code == 0 and "Marketing" in out.output and "→" in out.output
    out = runner.invoke(cli, ["followups", "show", fid, "--config", cfg.source])
    assert out.exit_code == 0 and "before/after first action (2026-11-10)" in out.output and "[red]x" in out.output
    out = runner.invoke(cli, ["followups", "set", fid, "--status", "acknowledged", "--config", cfg.source])
    assert out.exit_code == 0
    bad = runner.invoke(cli, ["followups", "set", "12345", "--note", "x", "--config", cfg.source])
    assert bad.exit_code == 1 and "no follow-up #12345" in bad.output
