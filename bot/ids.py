"""Every Slack identifier Rounds uses: commands, action_ids, callback_ids, block_ids.

Listeners and Block Kit builders import these; a literal identifier anywhere else is a bug waiting to happen.
`manifest.yml` declares the commands and shortcuts named here.
"""

# Slash commands
ROUNDS_COMMAND = "/rounds"

# Walkthroughs
WALKTHROUGH_COMMAND = "/walkthrough"
WALKTHROUGH_SHORTCUT = "walkthrough_log"
WALKTHROUGH_MODAL = "walkthrough_modal"
WALKTHROUGH_TEACHER_BLOCK = "walkthrough_teacher"
WALKTHROUGH_TEACHER_SELECT = "walkthrough_teacher_select"
WALKTHROUGH_CLASS_BLOCK = "walkthrough_class"
WALKTHROUGH_CLASS_SELECT = "walkthrough_class_select"
WALKTHROUGH_FORM_BLOCK = "walkthrough_form"
WALKTHROUGH_FORM_SELECT = "walkthrough_form_select"
WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX = "walkthrough_look_fors:"  # + the form's id: one block for all look-fors
WALKTHROUGH_LOOK_FORS_SELECT = "walkthrough_look_fors_levels"
# One menu per look-for: still read, for a modal opened before the look-fors were grouped.
WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX = "walkthrough_look_for:"  # + the look-for's id
WALKTHROUGH_LOOK_FOR_SELECT = "walkthrough_look_for_level"
WALKTHROUGH_EVIDENCE_BLOCK = "walkthrough_evidence"
WALKTHROUGH_EVIDENCE_INPUT = "walkthrough_evidence_input"
WALKTHROUGH_STRENGTH_BLOCK = "walkthrough_strength"
WALKTHROUGH_STRENGTH_INPUT = "walkthrough_strength_input"
WALKTHROUGH_NEXT_STEP_BLOCK = "walkthrough_next_step"
WALKTHROUGH_NEXT_STEP_INPUT = "walkthrough_next_step_input"
WALKTHROUGH_ROLE_BLOCK = "walkthrough_role"
WALKTHROUGH_ROLE_INPUT = "walkthrough_role_input"
WALKTHROUGH_SHARE_BLOCK = "walkthrough_share"
WALKTHROUGH_SHARE_INPUT = "walkthrough_share_input"
WALKTHROUGH_SHARE_VALUE = "share"
WALKTHROUGH_SECOND_OBSERVER_BLOCK = "walkthrough_second_observer"
WALKTHROUGH_SECOND_OBSERVER_INPUT = "walkthrough_second_observer_input"
WALKTHROUGH_MORE = "walkthrough_more"  # shows the optional parts: strength, question, second observer
WALKTHROUGH_THANKS = "walkthrough_thanks"
WALKTHROUGH_REFLECT = "walkthrough_reflect"
WALKTHROUGH_TALK = "walkthrough_talk"
WALKTHROUGH_EDIT = "walkthrough_edit"
WALKTHROUGH_RECORD_CONVERSATION = "walkthrough_record_conversation"
WALKTHROUGH_LOG_PAIRED = "walkthrough_log_paired"
WALKTHROUGH_TEACHER_ACTIONS_BLOCK = "walkthrough_teacher_actions"
WALKTHROUGH_LEADER_ACTIONS_BLOCK = "walkthrough_leader_actions"
REFLECTION_MODAL = "walkthrough_reflection_modal"
REFLECTION_BLOCK = "walkthrough_reflection"
REFLECTION_INPUT = "walkthrough_reflection_input"
CONVERSATION_MODAL = "walkthrough_conversation_modal"
CONVERSATION_DATE_BLOCK = "walkthrough_conversation_date"
CONVERSATION_DATE_INPUT = "walkthrough_conversation_date_input"
CONVERSATION_ROLE_BLOCK = "walkthrough_conversation_role"
CONVERSATION_ROLE_INPUT = "walkthrough_conversation_role_input"

WALKTHROUGH_SHARE_WITH_COACH = "walkthrough_share_with_coach"
WALKTHROUGH_SHARE_MODAL = "walkthrough_share_modal"
WALKTHROUGH_SHARE_COACH_BLOCK = "walkthrough_share_coach"
WALKTHROUGH_SHARE_COACH_INPUT = "walkthrough_share_coach_input"

# Coaching
COACH_COMMAND = "/coach"
COACH_SHORTCUT = "coaching_log"
COACHING_MODAL = "coaching_modal"
COACHING_TEACHER_BLOCK = "coaching_teacher"
COACHING_TEACHER_SELECT = "coaching_teacher_select"
COACHING_DATE_BLOCK = "coaching_date"
COACHING_DATE_INPUT = "coaching_date_input"
COACHING_KIND_BLOCK = "coaching_kind"
COACHING_KIND_INPUT = "coaching_kind_input"
COACHING_MINUTES_BLOCK = "coaching_minutes"
COACHING_MINUTES_INPUT = "coaching_minutes_input"
COACHING_CYCLE_BLOCK = "coaching_cycle"  # + ":<teacher>-<school>", so another teacher resets the choice
COACHING_CYCLE_SELECT = "coaching_cycle_select"
COACHING_GOAL_BLOCK = "coaching_goal"
COACHING_GOAL_INPUT = "coaching_goal_input"
COACHING_MEASURE_BLOCK = "coaching_measure"
COACHING_MEASURE_INPUT = "coaching_measure_input"
COACHING_BASELINE_BLOCK = "coaching_baseline"
COACHING_BASELINE_INPUT = "coaching_baseline_input"
COACHING_WEEKS_BLOCK = "coaching_weeks"
COACHING_WEEKS_INPUT = "coaching_weeks_input"
COACHING_MEASURE_VALUE_BLOCK = "coaching_measure_value"
COACHING_MEASURE_VALUE_INPUT = "coaching_measure_value_input"
COACHING_FOCUS_BLOCK = "coaching_focus"
COACHING_FOCUS_INPUT = "coaching_focus_input"
COACHING_WORKING_BLOCK = "coaching_working"
COACHING_WORKING_INPUT = "coaching_working_input"
COACHING_CHALLENGES_BLOCK = "coaching_challenges"
COACHING_CHALLENGES_INPUT = "coaching_challenges_input"
COACHING_STEP_BLOCK_PREFIX = "coaching_step:"  # + the step's place (1, 2, 3)
COACHING_STEP_INPUT = "coaching_step_input"
COACHING_STEP_DATE_BLOCK_PREFIX = "coaching_step_date:"  # + the step's place
COACHING_STEP_DATE_INPUT = "coaching_step_date_input"
COACHING_NEEDS_BLOCK = "coaching_needs"
COACHING_NEEDS_INPUT = "coaching_needs_input"
COACHING_REFLECT = "coaching_reflect"
COACHING_TALK = "coaching_talk"
COACHING_EDIT = "coaching_edit"
COACHING_STEP_DONE = "coaching_step_done"
COACHING_TEACHER_ACTIONS_BLOCK = "coaching_teacher_actions"
COACHING_COACH_ACTIONS_BLOCK = "coaching_coach_actions"
COACHING_REFLECTION_MODAL = "coaching_reflection_modal"
COACHING_REFLECTION_BLOCK = "coaching_reflection"
COACHING_REFLECTION_INPUT = "coaching_reflection_input"
COACHING_NEXT_PHASE = "coaching_next_phase"
COACHING_CYCLE_MENU = "coaching_cycle_menu"
COACHING_LOG_FOR = "coaching_log_for"  # opens the log for the teacher in its value
COACHING_ASK = "coaching_ask"
COACHING_REQUEST_MODAL = "coaching_request_modal"
COACHING_REQUEST_SCHOOL_BLOCK = "coaching_request_school"
COACHING_REQUEST_SCHOOL_INPUT = "coaching_request_school_input"
COACHING_REQUEST_BLOCK = "coaching_request"
COACHING_REQUEST_INPUT = "coaching_request_input"
COACHING_REMINDERS_TOGGLE = "coaching_reminders_toggle"
COACHING_TEACHER_HOME_ACTIONS = "coaching_teacher_home_actions"
WEEKLY_REFLECTION_OPEN = "weekly_reflection_open"
WEEKLY_REFLECTION_MODAL = "weekly_reflection_modal"
WEEKLY_WENT_WELL_BLOCK = "weekly_went_well"
WEEKLY_WENT_WELL_INPUT = "weekly_went_well_input"
WEEKLY_LEARNED_BLOCK = "weekly_learned"
WEEKLY_LEARNED_INPUT = "weekly_learned_input"
WEEKLY_TRY_NEXT_BLOCK = "weekly_try_next"
WEEKLY_TRY_NEXT_INPUT = "weekly_try_next_input"
WEEKLY_SUPPORT_BLOCK = "weekly_support"
WEEKLY_SUPPORT_INPUT = "weekly_support_input"
WEEKLY_SHARE_WITH_PRINCIPAL = "weekly_share_with_principal"

# App Home
HOME_OPEN_WALKTHROUGH = "home_open_walkthrough"
HOME_OPEN_COACHING = "home_open_coaching"

# Rotation (the morning DM, Skip and Swap)
ROTATION_VISIT_BLOCK_PREFIX = "rotation_visit:"  # + the visit's place in the message
ROTATION_LOG_VISIT = "rotation_log_visit"
ROTATION_SKIP = "rotation_skip"
ROTATION_SWAP = "rotation_swap"
ROTATION_UNDO_SWAP = "rotation_undo_swap"
ROTATION_SKIP_MODAL = "rotation_skip_modal"
ROTATION_SKIP_REASON_BLOCK = "rotation_skip_reason"
ROTATION_SKIP_REASON_INPUT = "rotation_skip_reason_input"

# Days without walkthroughs (a leader's days away; a school's testing week), from the App Home
DAYS_AWAY_OPEN = "days_away_open"
DAYS_AWAY_MODAL = "days_away_modal"
SCHOOL_DAYS_OFF_OPEN = "school_days_off_open"
SCHOOL_DAYS_OFF_MODAL = "school_days_off_modal"
DAYS_AWAY_CANCEL = "days_away_cancel"
DAYS_AWAY_FIRST_BLOCK = "days_away_first"
DAYS_AWAY_FIRST_INPUT = "days_away_first_input"
DAYS_AWAY_LAST_BLOCK = "days_away_last"
DAYS_AWAY_LAST_INPUT = "days_away_last_input"
DAYS_AWAY_NOTE_BLOCK = "days_away_note"
DAYS_AWAY_NOTE_INPUT = "days_away_note_input"
DAYS_AWAY_SCHOOL_BLOCK = "days_away_school"
DAYS_AWAY_SCHOOL_SELECT = "days_away_school_select"

# Leader digest: the data review (seed 001, practice 5), opened from the digest DM or the App Home
DATA_REVIEW_OPEN = "data_review_open"
DATA_REVIEW_BLOCK = "data_review"  # the digest's data-review blocks: "data_review:<school id>:<n>"
DATA_REVIEW_MODAL = "data_review_modal"
DATA_REVIEW_STRENGTHS_BLOCK = "data_review_strengths"
DATA_REVIEW_STRENGTHS_INPUT = "data_review_strengths_input"
DATA_REVIEW_DECISIONS_BLOCK = "data_review_decisions"
DATA_REVIEW_DECISIONS_INPUT = "data_review_decisions_input"

# Events
APP_HOME_OPENED_EVENT = "app_home_opened"

# Installation (bot/listeners/installs.py): Rounds removed from a workspace, or its tokens revoked
APP_UNINSTALLED_EVENT = "app_uninstalled"
TOKENS_REVOKED_EVENT = "tokens_revoked"

MESSAGE_IM_EVENT = "message.im"  # the manifest's name for messages in the app's DM (the Messages tab)
MESSAGE_EVENT_TYPE = "message"  # what those events carry as their type

# Coach community (issue 12): /share, the community channel's posts, the name guard, reflections shared
SHARE_COMMAND = "/share"
COMMUNITY_SHARE_MODAL = "community_share_modal"
COMMUNITY_KIND_BLOCK = "community_kind"
COMMUNITY_KIND_INPUT = "community_kind_input"
COMMUNITY_TEXT_BLOCK = "community_text"
COMMUNITY_TEXT_INPUT = "community_text_input"
COMMUNITY_AREAS_BLOCK = "community_areas"
COMMUNITY_AREAS_INPUT = "community_areas_input"
COMMUNITY_LINK_BLOCK = "community_link"
COMMUNITY_LINK_INPUT = "community_link_input"
COMMUNITY_GUARD_MODAL = "community_guard_modal"  # "this names a teacher": submit posts it anyway
COMMUNITY_POST_ANYWAY = "community_post_anyway"
COMMUNITY_EDIT = "community_edit"
COMMUNITY_MARK_ANSWERED = "community_mark_answered"
COMMUNITY_THANK = "community_thank"
COMMUNITY_SHARE_REFLECTION = "community_share_reflection"
COMMUNITY_SHARE_REFLECTION_ANYWAY = "community_share_reflection_anyway"
ANSWERED_REACTION = "white_check_mark"  # ✅ by the asker on their question marks it answered

# Events the community needs: reactions on posts, and replies in their threads (public and private channels)
REACTION_ADDED_EVENT = "reaction_added"
MESSAGE_CHANNELS_EVENT = "message.channels"
MESSAGE_GROUPS_EVENT = "message.groups"
# Team digests
DIGEST_FEEDBACK = "digest_feedback"  # the digest's "Feedback on the form" button; value: the team id
DIGEST_FEEDBACK_MODAL = "digest_feedback_modal"
DIGEST_FEEDBACK_LOOK_FOR_BLOCK = "digest_feedback_look_for"
DIGEST_FEEDBACK_LOOK_FOR_INPUT = "digest_feedback_look_for_input"
DIGEST_FEEDBACK_KIND_BLOCK = "digest_feedback_kind"
DIGEST_FEEDBACK_KIND_INPUT = "digest_feedback_kind_input"
DIGEST_FEEDBACK_NOTE_BLOCK = "digest_feedback_note"
DIGEST_FEEDBACK_NOTE_INPUT = "digest_feedback_note_input"
