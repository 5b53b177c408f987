from typing import Literal

PhoneCallDirectionType3Type1 = Literal["inbound", "outbound"]

PHONE_CALL_DIRECTION_TYPE_3_TYPE_1_VALUES: set[PhoneCallDirectionType3Type1] = {
    "inbound",
    "outbound",
}


def check_phone_call_direction_type_3_type_1(value: str) -> PhoneCallDirectionType3Type1:
    if value in PHONE_CALL_DIRECTION_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PHONE_CALL_DIRECTION_TYPE_3_TYPE_1_VALUES!r}")
