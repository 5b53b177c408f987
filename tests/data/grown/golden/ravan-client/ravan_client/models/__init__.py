"""Contains all the data models used in inputs/outputs"""

from .agent import Agent
from .agent_update import AgentUpdate
from .call_session import CallSession
from .call_session_detail import CallSessionDetail
from .call_session_detail_response import CallSessionDetailResponse
from .call_session_list_response import CallSessionListResponse
from .call_session_list_response_data import CallSessionListResponseData
from .contact import Contact
from .contact_input import ContactInput
from .contact_list import ContactList
from .create_call_request import CreateCallRequest
from .create_call_request_call_type import CreateCallRequestCallType
from .create_call_request_metadata_type_0 import CreateCallRequestMetadataType0
from .create_call_response import CreateCallResponse
from .create_call_response_data import CreateCallResponseData
from .credit_breakdown import CreditBreakdown
from .error_response import ErrorResponse
from .phone_call import PhoneCall
from .phone_call_direction_type_1 import PhoneCallDirectionType1
from .phone_call_direction_type_2_type_1 import PhoneCallDirectionType2Type1
from .phone_call_direction_type_3_type_1 import PhoneCallDirectionType3Type1
from .phone_history_page import PhoneHistoryPage
from .transcript_turn import TranscriptTurn

__all__ = (
    "Agent",
    "AgentUpdate",
    "CallSession",
    "CallSessionDetail",
    "CallSessionDetailResponse",
    "CallSessionListResponse",
    "CallSessionListResponseData",
    "Contact",
    "ContactInput",
    "ContactList",
    "CreateCallRequest",
    "CreateCallRequestCallType",
    "CreateCallRequestMetadataType0",
    "CreateCallResponse",
    "CreateCallResponseData",
    "CreditBreakdown",
    "ErrorResponse",
    "PhoneCall",
    "PhoneCallDirectionType1",
    "PhoneCallDirectionType2Type1",
    "PhoneCallDirectionType3Type1",
    "PhoneHistoryPage",
    "TranscriptTurn",
)
