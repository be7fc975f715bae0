"""The demo's walkthrough scene: a leader of the synthetic district logs a visit; the teacher reads it."""

from __future__ import annotations

from bot.deliveries import DeliveryWorker
from bot.demo.walkthrough_scenes import DEMO_EVIDENCE, log_walkthrough_for
from bot.demo.world import demo_world
from workflows.roster.snapshot import Role


def test_a_demo_leader_logs_a_walkthrough_and_the_teacher_gets_the_evidence(tmp_path):
    with demo_world(folder=tmp_path) as world:
        leader = world.district.leaders[0]
        school = leader.schools_for(Role.LEADER)[0]
        teacher = next(p for p in world.district.teachers if p.has_role(Role.TEACHER, school))
        worker = DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0)

        text = log_walkthrough_for(
            world.driver,
            world.slack,
            leader_user_id=leader.slack_user_id,
            teacher_name=teacher.name,
            deliver=lambda: worker.drain(timeout=10),
        )

        assert DEMO_EVIDENCE in text
        assert leader.name in text and "In our framework's words" in text and "Proficient" in text
        assert world.slack.messages(world.slack.dm_channel_for(teacher.slack_user_id))
