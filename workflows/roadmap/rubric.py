"""The roadmap's own words (seed 004, "Instructional Leadership Roadmap"): each stage's focus and the
rubric text of its four levels, quoted as written. Productivity is left out: no record of Rounds shows how
organized a leader's other work is."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    WALKTHROUGHS = "walkthroughs"
    CONVERSATIONS = "conversations"
    FRAMEWORK = "framework"
    CLASSROOMS_500 = "500-classrooms"
    HIGH_PERFORMANCE = "high-performance"


STAGE_NAMES: dict[Stage, str] = {
    Stage.WALKTHROUGHS: "Walkthroughs",
    Stage.CONVERSATIONS: "Conversations",
    Stage.FRAMEWORK: "Framework",
    Stage.CLASSROOMS_500: "500 Classrooms",
    Stage.HIGH_PERFORMANCE: "High-Performance Instructional Leadership",
}

FOCUS: dict[Stage, str] = {
    Stage.WALKTHROUGHS: "Get Into Classrooms!",
    Stage.CONVERSATIONS: "Get Into Feedback Conversations!",
    Stage.FRAMEWORK: "Get Aligned & Specific!",
    Stage.CLASSROOMS_500: "Get Consistent & Impactful!",
    Stage.HIGH_PERFORMANCE: "Get Strategic!",
}

# RUBRIC[stage][level - 1]
RUBRIC: dict[Stage, tuple[str, str, str, str]] = {
    Stage.WALKTHROUGHS: (
        "I rarely get into classrooms for informal visits, and do only the minimum required formal observations",
        "I get into classrooms a few times a week, but I'm inconsistent and don't make it around to everyone",
        "I get into three classrooms a day, every day, so I see every teacher on a 2-week rotation",
        "I visit every classroom every two weeks, and rotate my visits so I see each teacher at different times "
        "of day",
    ),
    Stage.CONVERSATIONS: (
        "I give teachers feedback only in the annual evaluation process or when I see something out of the "
        "ordinary",
        "I give teachers written feedback from my informal visits, without having a conversation",
        "I share my written evidence with the teacher immediately, and have an evidence-based feedback "
        "conversation on the spot or soon after my visit",
        "I differentiate my feedback conversations using the boss (directive), coach (reflective), or leader "
        "(reflexive) roles depending on each teacher's needs, always sharing my written evidence immediately",
    ),
    Stage.FRAMEWORK: (
        "I evaluate teachers as satisfactory or unsatisfactory based on my professional judgment",
        "I evaluate teachers according to a leveled rubric based on the evidence I've collected",
        "I have regular, evidence-based conversations with teachers using the language of our instructional "
        "framework",
        "I gather evidence of teacher practice using the language of our instructional framework, and have "
        "discipline-specific conversations with each teacher",
    ),
    Stage.CLASSROOMS_500: (
        "I'm afraid to visit classrooms because I don't know what I'll see, and neither teachers nor students "
        "expect to see me",
        "I get into classrooms as I'm able, but I'm often thrown off-track by having to deal with unpleasant "
        "surprises; my visits catch teachers and students off-guard",
        "I visit three classrooms a day, every day, so teachers and students are used to seeing me, and my "
        "feedback conversations are having an impact on teacher practice",
        "Teachers and students expect to see me in classrooms, and I can see the impact it's having on "
        "students and on teacher practice in specific areas of our instructional framework",
    ),
    Stage.HIGH_PERFORMANCE: (
        "I know only what I see during formal observations, and don't have any sense of teachers' typical "
        "practice or how it relates to our school's goals or strategic plan",
        "I have a general sense of each teacher's practice, but am unclear how it relates to our school's "
        "goals and strategic plan",
        "I have a good sense of each teacher's practice in specific areas and how it relates to our school's "
        "goals and strategic plan",
        "I have a clear sense of each teacher's level of performance in specific areas of our instructional "
        "framework and how it relates to our school's goals and strategic plan, so I can identify our biggest "
        "opportunities for school improvement",
    ),
}


def rubric_text(stage: Stage, level: int) -> str:
    return RUBRIC[stage][level - 1]
