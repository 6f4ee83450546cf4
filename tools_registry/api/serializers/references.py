"""An entry of a reference list: a code and its label."""

from rest_framework import serializers


class ReferenceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
