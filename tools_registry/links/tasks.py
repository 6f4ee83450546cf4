from django_tasks import task

from tools_registry.links import services


@task()
def check_links(tool_ids: list[int] | None = None) -> dict[str, int]:
    """A link-check pass over every checked tool, or over `tool_ids` ("recheck now" in the admin)."""
    return services.run_pass(tool_ids=tool_ids).as_dict()
