#!/bin/sh
# A "worker" for the claims of `ipc`: it ignores its arguments and never connects.
exec sleep 60
