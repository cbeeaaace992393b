"""Everything that may run next to student code.

Code in this package runs inside worker processes that have imported a student's modules.
It computes nothing that decides a grade: probes call the student's code on the inputs the
grader sends and return plain data over the wire; the grader judges it on its own side.
"""
