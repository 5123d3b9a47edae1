"""GraphQL enums from Django choices, with the Chinese labels as value descriptions."""

from __future__ import annotations

import enum

import graphene


def enum_from_choices(name: str, choices, description: str):
    """`choices` is a Django `TextChoices` class: GraphQL names are its member names, values its values."""
    py_enum = enum.Enum(name, [(member.name, member.value) for member in choices])
    labels = {member.value: str(member.label) for member in choices}

    def describe(value):
        if value is None:
            return description
        return labels.get(value.value)

    return graphene.Enum.from_enum(py_enum, name=name, description=describe)
