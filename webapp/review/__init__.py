from flask import Blueprint

# The routes module is imported by create_app(); importing the pure modules of this
# package (workflow, duplicates, diff) pulls in no view.
bp = Blueprint("review", __name__)
