import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.call_session_list_response import CallSessionListResponse
from ...models.error_response import ErrorResponse
from ...models.list_call_sessions_sort_order import ListCallSessionsSortOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    agent_id: str | Unset = UNSET,
    status: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    caller_number: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort_by: str | Unset = UNSET,
    sort_order: ListCallSessionsSortOrder | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    params["agent_id"] = agent_id

    params["status"] = status

    params["channel"] = channel

    params["caller_number"] = caller_number

    params["search"] = search

    params["sort_by"] = sort_by

    json_sort_order: str | Unset = UNSET
    if not isinstance(sort_order, Unset):
        json_sort_order = sort_order

    params["sort_order"] = json_sort_order

    json_started_after: str | Unset = UNSET
    if not isinstance(started_after, Unset):
        json_started_after = started_after.isoformat()
    params["started_after"] = json_started_after

    json_started_before: str | Unset = UNSET
    if not isinstance(started_before, Unset):
        json_started_before = started_before.isoformat()
    params["started_before"] = json_started_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/calling/call-sessions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallSessionListResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CallSessionListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CallSessionListResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    agent_id: str | Unset = UNSET,
    status: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    caller_number: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort_by: str | Unset = UNSET,
    sort_order: ListCallSessionsSortOrder | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
) -> Response[CallSessionListResponse | ErrorResponse]:
    """List call sessions

     Returns one page of the organization's call sessions, filtered by any combination of
    the query parameters and ordered by `sort_by` and `sort_order` (the vendor does not
    document the default order).

    The response carries no total and no pagination metadata: a page shorter than
    `page_size` (or an empty one) is the last page. Pages are offset-based, so calls that
    arrive while you are paging shift later pages; fix `started_before` to page through a
    stable window.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        agent_id (str | Unset):
        status (str | Unset):
        channel (str | Unset):
        caller_number (str | Unset):
        search (str | Unset):
        sort_by (str | Unset):
        sort_order (ListCallSessionsSortOrder | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallSessionListResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        agent_id=agent_id,
        status=status,
        channel=channel,
        caller_number=caller_number,
        search=search,
        sort_by=sort_by,
        sort_order=sort_order,
        started_after=started_after,
        started_before=started_before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    agent_id: str | Unset = UNSET,
    status: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    caller_number: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort_by: str | Unset = UNSET,
    sort_order: ListCallSessionsSortOrder | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
) -> CallSessionListResponse | ErrorResponse | None:
    """List call sessions

     Returns one page of the organization's call sessions, filtered by any combination of
    the query parameters and ordered by `sort_by` and `sort_order` (the vendor does not
    document the default order).

    The response carries no total and no pagination metadata: a page shorter than
    `page_size` (or an empty one) is the last page. Pages are offset-based, so calls that
    arrive while you are paging shift later pages; fix `started_before` to page through a
    stable window.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        agent_id (str | Unset):
        status (str | Unset):
        channel (str | Unset):
        caller_number (str | Unset):
        search (str | Unset):
        sort_by (str | Unset):
        sort_order (ListCallSessionsSortOrder | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallSessionListResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        agent_id=agent_id,
        status=status,
        channel=channel,
        caller_number=caller_number,
        search=search,
        sort_by=sort_by,
        sort_order=sort_order,
        started_after=started_after,
        started_before=started_before,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    agent_id: str | Unset = UNSET,
    status: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    caller_number: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort_by: str | Unset = UNSET,
    sort_order: ListCallSessionsSortOrder | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
) -> Response[CallSessionListResponse | ErrorResponse]:
    """List call sessions

     Returns one page of the organization's call sessions, filtered by any combination of
    the query parameters and ordered by `sort_by` and `sort_order` (the vendor does not
    document the default order).

    The response carries no total and no pagination metadata: a page shorter than
    `page_size` (or an empty one) is the last page. Pages are offset-based, so calls that
    arrive while you are paging shift later pages; fix `started_before` to page through a
    stable window.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        agent_id (str | Unset):
        status (str | Unset):
        channel (str | Unset):
        caller_number (str | Unset):
        search (str | Unset):
        sort_by (str | Unset):
        sort_order (ListCallSessionsSortOrder | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallSessionListResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        agent_id=agent_id,
        status=status,
        channel=channel,
        caller_number=caller_number,
        search=search,
        sort_by=sort_by,
        sort_order=sort_order,
        started_after=started_after,
        started_before=started_before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    agent_id: str | Unset = UNSET,
    status: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    caller_number: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort_by: str | Unset = UNSET,
    sort_order: ListCallSessionsSortOrder | Unset = UNSET,
    started_after: datetime.datetime | Unset = UNSET,
    started_before: datetime.datetime | Unset = UNSET,
) -> CallSessionListResponse | ErrorResponse | None:
    """List call sessions

     Returns one page of the organization's call sessions, filtered by any combination of
    the query parameters and ordered by `sort_by` and `sort_order` (the vendor does not
    document the default order).

    The response carries no total and no pagination metadata: a page shorter than
    `page_size` (or an empty one) is the last page. Pages are offset-based, so calls that
    arrive while you are paging shift later pages; fix `started_before` to page through a
    stable window.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        agent_id (str | Unset):
        status (str | Unset):
        channel (str | Unset):
        caller_number (str | Unset):
        search (str | Unset):
        sort_by (str | Unset):
        sort_order (ListCallSessionsSortOrder | Unset):
        started_after (datetime.datetime | Unset):
        started_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallSessionListResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            agent_id=agent_id,
            status=status,
            channel=channel,
            caller_number=caller_number,
            search=search,
            sort_by=sort_by,
            sort_order=sort_order,
            started_after=started_after,
            started_before=started_before,
        )
    ).parsed
