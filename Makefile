# Short names for the commands of README.md and docs/. The real work is in manage_all.py
# (local runs and tests) and compose/ (containers); these targets only call them.
#   make run | make test          every service locally (ONLY=user_service,order_service)
#   make compose-up               the container stack (PROFILES="tools observability" adds
#                                 pgAdmin; Prometheus, Grafana and Jaeger)
#   make compose-logs SERVICE=order-service
#   make compose-down             stop it (ARGS=-v also deletes the database volumes)

PYTHON ?= python3
VENV_PYTHON ?= .venv/bin/python
COMPOSE ?= docker compose
COMPOSE_FILE ?= compose/docker-compose.yml
COMPOSE_ENV ?= compose/.env
ONLY ?=
PROFILES ?=
SERVICE ?=
ARGS ?=

ONLY_FLAG = $(if $(ONLY),--only $(ONLY))
COMPOSE_CMD = $(COMPOSE) -f $(COMPOSE_FILE) --env-file $(COMPOSE_ENV) $(foreach p,$(PROFILES),--profile $(p))

.DEFAULT_GOAL := help
.PHONY: help run test lint deploy-test compose-up compose-down compose-logs compose-config compose-ps

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: ## install, set up and start every service and the gateway (python3 manage_all.py run)
	$(PYTHON) manage_all.py $(ONLY_FLAG) run $(ARGS)

test: ## every test suite (python3 manage_all.py test)
	$(PYTHON) manage_all.py $(ONLY_FLAG) test $(ARGS)

lint: ## ruff over the repository
	.venv/bin/ruff check .

deploy-test: ## the checks of compose/, k8s/ and the container entry point
	$(VENV_PYTHON) -m pytest tests/deploy --ds=common.tests.settings $(ARGS)

$(COMPOSE_ENV): compose/.env.example
	@if [ -f $@ ]; then echo "$@ is older than compose/.env.example: compare them"; else cp compose/.env.example $@ && echo "created $@ from compose/.env.example (replace the CHANGE ME values)"; fi

compose-up: $(COMPOSE_ENV) ## build the images and start the stack in the background
	$(COMPOSE_CMD) up --build --detach --wait $(ARGS)

compose-down: ## stop the stack (ARGS=-v also deletes the volumes)
	$(COMPOSE_CMD) down $(ARGS)

compose-logs: ## follow the logs (SERVICE=<compose service> for one)
	$(COMPOSE_CMD) logs --follow --tail=100 $(SERVICE)

compose-ps: ## the containers and their health
	$(COMPOSE_CMD) ps

compose-config: $(COMPOSE_ENV) ## the stack as Compose resolves it (validates the file)
	$(COMPOSE_CMD) config $(ARGS)
