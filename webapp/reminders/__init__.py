from flask import Blueprint

# The routes module is imported by create_app().
bp = Blueprint("reminders", __name__)
