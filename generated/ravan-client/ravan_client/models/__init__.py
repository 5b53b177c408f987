"""Contains all the data models used in inputs/outputs"""

from .call_session import CallSession
from .call_session_list_data import CallSessionListData
from .call_session_list_response import CallSessionListResponse
from .credit_breakdown import CreditBreakdown
from .error_response import ErrorResponse
from .free_form_object import FreeFormObject

__all__ = (
    "CallSession",
    "CallSessionListData",
    "CallSessionListResponse",
    "CreditBreakdown",
    "ErrorResponse",
    "FreeFormObject",
)
