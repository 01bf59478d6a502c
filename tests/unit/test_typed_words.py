"""What a typed line really runs (runner/checks/shell_words.py), and the `typed` check that
matches only those commands: the tricks of issue 11 (`: docker images`, `echo docker system
df`, `# docker image ls`, `docker tag python:3.9 memcached`) prove nothing."""

from __future__ import annotations

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.shell_words import command_text, commands
from runner.checks.typed import TypedCheck
from runner.shell.session import CommandResult

# The regexes of labs/manage-images-exercise.yaml's typed checks.
LISTS = r"docker\s+(images|image\s+(ls|list)|system\s+df\s+(-v|--verbose))\b"
SPACE = r"docker\s+(system\s+df|images|image\s+(ls|list|inspect)|inspect)\b"
PULL = r"docker\s+(image\s+)?pull\s+memcached\b"


def run(line: str) -> list[str]:
    return [command_text(words) for words in commands(line)]


def typed(regex: str, *lines: str) -> bool:
    check = TypedCheck(type="typed", regex=regex)
    return evaluate(check, CheckContext([], None, {}, lambda: None, typed=list(lines))).passed


@pytest.mark.parametrize(("line", "runs"), [
    ("docker image ls", ["docker image ls"]),
    (": docker images", []),
    ("echo docker system df", []),
    ("printf 'docker images\\n'", []),
    ("# docker image ls", []),
    ("docker images # docker system df", ["docker images"]),
    ("'docker images'", ["'docker images'"]),
    ("docker run busybox#1", ["docker run 'busybox#1'"]),  # # inside a word is no comment
    ("docker ps; docker images", ["docker ps", "docker images"]),
    ("docker images | grep web && docker ps || true", ["docker images", "grep web", "docker ps",
                                                      "true"]),
    ("docker ps &\ndocker images", ["docker ps", "docker images"]),
    ("DOCKER_HOST=unix:///x.sock docker images", ["docker images"]),
    ("sudo -u root docker system df", ["docker system df"]),
    ("command docker images", ["docker images"]),
    ("command -v docker", []),
    ("time docker images", ["docker images"]),
    ("env -i PATH=/bin docker images", ["docker images"]),
    ("timeout 10 docker pull memcached", ["docker pull memcached"]),
    ("/usr/local/bin/docker images", ["docker images"]),
    ("docker images > list.txt", ["docker images"]),
    ("n=$(docker images -q | wc -l)", ["docker images -q", "wc -l"]),
    ("echo \"$(docker system df)\"", ["docker system df"]),
    ("echo '$(docker system df)'", []),
    ("echo `docker images`", ["docker images"]),
    ("bash -c 'docker images; echo done'", ["docker images"]),
    ("eval 'docker system df'", ["docker system df"]),
    ("if docker image inspect memcached; then echo yes; fi", ["docker image inspect memcached"]),
    ("for image in a b; do docker rmi $image; done", ["docker rmi '$image'"]),
    ("cat <<EOF\ndocker images\nEOF", ["cat"]),
    ("cat <<< 'docker images'", ["cat"]),
    ("docker images '", []),  # unclosed quote: bash runs nothing yet
])
def test_what_a_line_runs(line, runs):
    assert run(line) == runs


class TestTypedTricks:
    @pytest.mark.parametrize("line", [": docker images", "echo docker images", "# docker image ls",
                                      "echo 'docker image ls'", "'docker images'",
                                      "true # docker images", "docker run busybox docker images"])
    def test_listing_text_that_is_not_run_does_not_count(self, line):
        assert not typed(LISTS, line)

    @pytest.mark.parametrize("line", [": docker system df", "echo docker system df",
                                      "# docker system df", "printf 'docker system df'"])
    def test_nor_does_disk_usage_text(self, line):
        assert not typed(SPACE, line)

    def test_a_tag_is_not_a_pull(self):
        assert not typed(PULL, "docker tag python:3.9 memcached")
        assert typed(PULL, "docker pull memcached")

    @pytest.mark.parametrize("line", ["docker images", "docker image ls -a", "sudo docker images",
                                      "docker  image   ls", "docker images | head",
                                      "clear; docker image ls", "docker image list # all of them"])
    def test_real_listings_count(self, line):
        assert typed(LISTS, line)

    def test_the_regex_is_matched_from_the_start_of_a_command(self):
        assert not typed(r"system\s+df", "docker system df")
        assert typed(r"docker\s+system\s+df", "docker system df --verbose")

    def test_the_steps_own_commands_are_read_the_same_way(self):
        check = TypedCheck(type="typed", regex=r"docker\s+system\s+df")
        ran = [CommandResult("echo docker system df", 0, "", False, 0.1)]
        assert not evaluate(check, CheckContext(ran, None, {}, lambda: None)).passed
        ran = [CommandResult("docker system df\necho ok", 0, "", False, 0.1)]
        assert evaluate(check, CheckContext(ran, None, {}, lambda: None)).passed

    def test_the_problem_shows_the_lines_as_typed(self):
        check = TypedCheck(type="typed", regex=LISTS)
        ctx = CheckContext([], None, {}, lambda: None, typed=["echo docker images"])
        problem = evaluate(check, ctx).problems[0]
        assert (problem.expected, problem.actual) == (LISTS, "echo docker images")
