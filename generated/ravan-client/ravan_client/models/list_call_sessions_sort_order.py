from typing import Literal

ListCallSessionsSortOrder = Literal["asc", "desc"]

LIST_CALL_SESSIONS_SORT_ORDER_VALUES: set[ListCallSessionsSortOrder] = {
    "asc",
    "desc",
}


def check_list_call_sessions_sort_order(value: str) -> ListCallSessionsSortOrder:
    if value in LIST_CALL_SESSIONS_SORT_ORDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_CALL_SESSIONS_SORT_ORDER_VALUES!r}")
