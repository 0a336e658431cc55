def register_commands(app):
    pass
