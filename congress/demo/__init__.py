"""The demo county 青山县, built by `manage.py seed_demo` so a fresh portal is full of plausible data.

Everything is fictional. Phones use the unassigned mobile segment 100 and the non-existent area
code 0000; ID card numbers are left blank rather than faked, since no demo page needs one and a
made-up number could be someone's real one.
"""
