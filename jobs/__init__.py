"""The job queue shared by every app: slow work (emails today) leaves the request.

Below tools_registry and survey in the dependency order: it imports nothing from them.
"""
