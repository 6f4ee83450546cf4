"""What the registry shows when its tools are counted together: which software where, collectivities like
a given one, the coverage of the communes by département.

Every count here is of the tools the public may see and that are still in service
(`Tool.objects.published().in_service()`); results are cached until the registry changes
(`tools_registry.cache.registry_version`).
"""
