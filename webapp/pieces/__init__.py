from flask import Blueprint

# The routes module is imported by create_app(), so that importing a service or a
# model of this package does not pull in every view.
bp = Blueprint("pieces", __name__)
