from typing import Literal

PhoneCallDirectionType2Type1 = Literal["inbound", "outbound"]

PHONE_CALL_DIRECTION_TYPE_2_TYPE_1_VALUES: set[PhoneCallDirectionType2Type1] = {
    "inbound",
    "outbound",
}


def check_phone_call_direction_type_2_type_1(value: str) -> PhoneCallDirectionType2Type1:
    if value in PHONE_CALL_DIRECTION_TYPE_2_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PHONE_CALL_DIRECTION_TYPE_2_TYPE_1_VALUES!r}")
