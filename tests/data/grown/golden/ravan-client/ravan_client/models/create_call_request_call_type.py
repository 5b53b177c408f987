from typing import Literal

CreateCallRequestCallType = Literal["outbound_call", "web_call"]

CREATE_CALL_REQUEST_CALL_TYPE_VALUES: set[CreateCallRequestCallType] = {
    "outbound_call",
    "web_call",
}


def check_create_call_request_call_type(value: str) -> CreateCallRequestCallType:
    if value in CREATE_CALL_REQUEST_CALL_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREATE_CALL_REQUEST_CALL_TYPE_VALUES!r}")
