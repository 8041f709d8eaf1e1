"""Browse tables (/persons, /postings, /consequences, /measures, /contacts, /sources), each also as
.json and .csv: paged, sorted by any column, filtered by a date range or a decade."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from legation.registry.store import Store
from legation.web import tables
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


class Params:
    """The query string every table takes."""

    def __init__(
        self,
        page: int = 1,
        size: int = 50,
        sort: Annotated[str | None, Query(description="A column; a leading - sorts descending.")] = None,
        start: Annotated[str | None, Query(alias="from", description="Earliest date, such as 1981 or 1981-12.")] = None,
        end: Annotated[str | None, Query(alias="to", description="Latest date.")] = None,
        decade: Annotated[str | None, Query(description="Such as 1980s.")] = None,
    ) -> None:
        self.values = {"page": page, "size": size, "sort": sort, "start": start, "end": end, "decade": decade}

    def data(self, store: Store, request: Request, name: str, **extra: Any) -> dict[str, Any]:
        # The table's own filters (sending=RUS, type=expulsion) differ by table, so they are read
        # from the query string here and checked by tables.page.
        where = {k: v for k, v in request.query_params.items() if k not in _COMMON}
        return tables.page(store, name, **{**self.values, **extra}, where=where)


ParamsDep = Annotated[Params, Depends()]
_COMMON = {"page", "size", "sort", "from", "to", "decade"}


def _csv(data: dict[str, Any]) -> Response:
    out = io.StringIO()
    names = [c["name"] for c in data["columns"]]
    writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(data["rows"])
    disposition = f'attachment; filename="legation-{data["table"]}.csv"'
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={"content-disposition": disposition})


def _routes(name: str) -> None:
    title = tables.TABLES[name].title

    def as_json(request: Request, store: StoreDep, params: ParamsDep) -> Response:
        return Response(orjson.dumps(params.data(store, request, name)), media_type="application/json")

    def as_csv(request: Request, store: StoreDep, params: ParamsDep) -> Response:
        return _csv(params.data(store, request, name, everything=True))

    def as_html(request: Request, store: StoreDep, params: ParamsDep) -> Response:
        return render(request, "table.html", data=params.data(store, request, name), tables=tables.TABLES)

    doc = f"{title}: one page, sorted by any column, within a date range."
    router.add_api_route(
        f"/api/tables/{name}",
        as_json,
        methods=["GET"],
        responses=PROBLEMS,
        tags=["tables"],
        summary=title,
        description=doc,
        response_class=Response,
    )
    router.add_api_route(f"/{name}.json", as_json, methods=["GET"], include_in_schema=False)
    router.add_api_route(f"/{name}.csv", as_csv, methods=["GET"], include_in_schema=False)
    router.add_api_route(f"/{name}", as_html, methods=["GET"], include_in_schema=False, response_class=HTMLResponse)


for _name in tables.TABLES:
    _routes(_name)
