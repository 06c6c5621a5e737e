"""SQLAlchemy 2 typed ORM: every table chibo stores. No business rules live here."""

from models.access import AuditEntry, FailedLink, InviteCode, WebSignIn
from models.base import Base
from models.chat import ConversationState, ProcessedMessage
from models.deed import DeedCategory, DeedPhoto, DeedReport, EvidenceKind, Pledge
from models.files import KeptFile
from models.household import (
    Assignment,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    HouseholdProgress,
    ProgressFlag,
)
from models.meeting import (
    AgendaOpinion,
    Attendance,
    AttendanceStatus,
    CellSchedule,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReminderStatus,
    Rsvp,
    ScheduledReminder,
)
from models.member import (
    Channel,
    ChatAddress,
    Follow,
    Member,
    Membership,
    MemberStatus,
    MemberStatusChange,
    Role,
    RoleKind,
)
from models.org import CellType, Organisation, OrgKind
from models.outbox import (
    Audience,
    Broadcast,
    BroadcastKind,
    DeliveryStatus,
    FailureReason,
    OutboxMessage,
    SendBudget,
)
from models.snapshot import CellSnapshot

__all__ = [
    "CellSnapshot",
    "KeptFile",
    "AgendaOpinion",
    "Assignment",
    "Attendance",
    "AttendanceStatus",
    "CellSchedule",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "ReminderStatus",
    "Rsvp",
    "SendBudget",
    "ScheduledReminder",
    "Audience",
    "Broadcast",
    "BroadcastKind",
    "DeliveryStatus",
    "FailureReason",
    "OutboxMessage",
    "AuditEntry",
    "Base",
    "CellType",
    "Channel",
    "ChatAddress",
    "ConversationState",
    "DeedCategory",
    "DeedPhoto",
    "EvidenceKind",
    "DeedReport",
    "FailedLink",
    "Household",
    "HouseholdCategory",
    "HouseholdCategoryLink",
    "HouseholdProgress",
    "InviteCode",
    "Follow",
    "Member",
    "MemberStatus",
    "MemberStatusChange",
    "Membership",
    "OrgKind",
    "Organisation",
    "Pledge",
    "ProgressFlag",
    "ProcessedMessage",
    "Role",
    "RoleKind",
    "WebSignIn",
]
