#!/bin/sh
# A reader that never answers: the hub must stop it at its time limit.
exec /bin/sleep 60
