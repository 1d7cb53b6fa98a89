"""Consulta: the public consultation that sets a multistakeholder forum's agenda."""
