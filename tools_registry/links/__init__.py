"""Link health: the site checks every published tool's address itself, and staff review the failing ones.

`addresses` says which network addresses may be fetched (tool addresses are public input), `checker`
fetches one address politely, `services` runs a pass over the registry and records what it found, and
`tasks` puts a pass on the job queue.
"""
