"""The HTTP API: strawberry GraphQL on Starlette."""
