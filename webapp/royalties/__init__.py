from flask import Blueprint

# The routes module is imported by create_app().
bp = Blueprint("royalties", __name__)
