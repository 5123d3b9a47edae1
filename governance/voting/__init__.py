"""The voting kernel that decisions, elections and fund co-signing share (DOMAIN §3).

`tally` is the exact engine (areas in cents, thresholds as fractions), `roll` groups a scope's units
into voting rights, `signatures` checks handwritten and face signatures, `choices` holds the choice
lists every kind of vote stores. The kernel knows the registry and nothing above it.
"""
