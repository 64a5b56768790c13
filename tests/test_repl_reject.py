"""A rejected draft takes its review edits with it: after /reject, /gaps and the thread's
profile are as before the edits (the installed `coach chat`, piped)."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import cmd

from agent.runtime.session import Coach


def test_gaps_after_reject_show_no_rejected_edits(home: Path, profile_file: Path) -> None:
    done = cmd(
        "chat",
        "--profile",
        str(profile_file),
        stdin="/edit 20 hours a week\n/edit drop docker\n/reject\n/gaps\n/profile\n",
    )
    assert done.returncode == 0, done.stderr
    edited, after = done.stdout.split("Plan discarded", 1)
    assert "Weeks at 20 h/week" in edited, "the edit was applied to the draft"
    assert "Weeks at 8 h/week" in after and "20 h/week" not in after, after
    assert "hours_per_week: 8" in after and "Docker: 2" in after


def test_reject_after_two_edits_restores_the_profile_and_gaps(coach: Coach, profile_file: Path) -> None:
    from agent.coaching.profile_file import load_profile

    thread = coach.new_thread_id()
    coach.plan_from_profile(thread, load_profile(profile_file))
    before = coach.values(thread)["reports"]
    coach.resume(thread, "edit: 20 hours a week")
    coach.resume(thread, "edit: 12 hours a week")
    assert coach.values(thread)["profile"]["hours_per_week"] == 12
    coach.resume(thread, "reject")
    values = coach.values(thread)
    assert values["profile"]["hours_per_week"] == 8 and values["reports"] == before
    assert values["draft"] is None
    # A new draft after the reject starts from the restored profile.
    thread2 = coach.new_thread_id()
    coach.plan_from_profile(thread2, load_profile(profile_file))
    coach.resume(thread2, "reject")
    assert coach.values(thread2)["reports"] == before
