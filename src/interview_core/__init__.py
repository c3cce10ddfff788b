"""The interview pipeline's domain: entities, states, ports, errors and use cases."""
