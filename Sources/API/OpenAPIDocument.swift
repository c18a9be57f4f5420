/// `GET /openapi.json`: the OpenAPI 3.1 description of every route. A test checks it against the
/// router's route table (same methods and paths, parameters declared, every `$ref` resolves), and
/// `scripts/api-fuzz` has schemathesis check the daemon's answers against it.
///
/// The request schemas are the file's (Sources/Spec: the same decoder reads a body and
/// `gorb.yaml`): the field names are the CodingKeys, numbers may be written as digit strings, and
/// unknown keys are refused. Words (schedulers, protocols, …) are matched in any case; the enums
/// give their canonical spellings.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "gorb-reconcile",
        "version": "1",
        "description": "GORB's REST API as temporary overrides on top of the desired-state file, plus status, plan, reload, metrics and health. A change answers 200 once the reconcile pass that applies it has run (202 if that pass is slow to come); reads show the effective state (file + overrides). Every error is {\"error\": \"...\", \"errors\": [...]}. A path served with another method answers 405 with an Allow header (components.responses.MethodNotAllowed); an unknown path answers 404. With --api-token-file, changes (--api-auth mutating) or every request but GET /healthz (--api-auth all) need 'Authorization: Bearer <token>'."
      },
      "security": [{}, {"bearerAuth": []}],
      "paths": {
        "/service": {
          "get": {
            "operationId": "listServices",
            "summary": "The ids of the services in force, in file order, then those the API added",
            "responses": {
              "200": {"description": "Service ids", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Id"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        },
        "/service/{service}": {
          "parameters": [{"$ref": "#/components/parameters/service"}],
          "get": {
            "operationId": "getService",
            "summary": "A service as in force (GORB's ServiceInfo)",
            "responses": {
              "200": {"description": "The service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}, "links": {"changeService": {"$ref": "#/components/links/changeService"}, "removeService": {"$ref": "#/components/links/removeService"}, "createBackend": {"$ref": "#/components/links/createBackend"}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "put": {
            "operationId": "createService",
            "summary": "Add a service (an override; 409 if it exists)",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceChange"}, "example": {"host": "192.0.2.200", "port": 8080, "method": "rr", "backends": {"b-1": {"host": "198.51.100.200", "pulse": {"type": "none"}}}}}}},
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/ServiceCreated"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/ContentTooLarge"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          },
          "patch": {
            "operationId": "changeService",
            "summary": "Change some fields of a service (an override; an empty body changes nothing)",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceChange"}, "example": {"method": "wlc", "ttl": "30m"}}}},
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/ServiceChanged"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/ContentTooLarge"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          },
          "delete": {
            "operationId": "removeService",
            "summary": "Remove a service (an override: the file keeps it; with ttl, for a while)",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/Applied"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          }
        },
        "/service/{service}/{backend}": {
          "parameters": [{"$ref": "#/components/parameters/service"}, {"$ref": "#/components/parameters/backend"}],
          "get": {
            "operationId": "getBackend",
            "summary": "A backend as in force, with its health (GORB's BackendInfo)",
            "responses": {
              "200": {"description": "The backend", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BackendInfo"}}}, "links": {"changeBackend": {"$ref": "#/components/links/changeBackend"}, "removeBackend": {"$ref": "#/components/links/removeBackend"}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "put": {
            "operationId": "createBackend",
            "summary": "Add a backend to a service (an override; 409 if it exists)",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BackendChange"}, "example": {"host": "198.51.100.201", "port": 8080, "weight": 10, "pulse": {"type": "none"}}}}},
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/BackendCreated"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/ContentTooLarge"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          },
          "patch": {
            "operationId": "changeBackend",
            "summary": "Change some fields of a backend (\"drain web-3 for 30 minutes\": {\"weight\": 0, \"ttl\": \"30m\"})",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BackendChange"}, "example": {"weight": 0, "ttl": "30m"}}}},
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/BackendChanged"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/ContentTooLarge"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          },
          "delete": {
            "operationId": "removeBackend",
            "summary": "Remove a backend (an override: the file keeps it; with ttl, for a while)",
            "parameters": [{"$ref": "#/components/parameters/ttl"}],
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/Applied"},
              "202": {"$ref": "#/components/responses/Accepted"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          }
        },
        "/overrides": {
          "get": {
            "operationId": "listOverrides",
            "summary": "Every override, oldest first, and whether it is in force",
            "responses": {
              "200": {"description": "The overrides", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Overrides"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          },
          "delete": {
            "operationId": "removeAllOverrides",
            "summary": "Back to the file: remove every override",
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/Removed"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          }
        },
        "/overrides/service/{service}": {
          "parameters": [{"$ref": "#/components/parameters/service"}],
          "delete": {
            "operationId": "removeServiceOverrides",
            "summary": "Back to the file for one service: remove its overrides and its backends'",
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/Removed"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          }
        },
        "/overrides/service/{service}/{backend}": {
          "parameters": [{"$ref": "#/components/parameters/service"}, {"$ref": "#/components/parameters/backend"}],
          "delete": {
            "operationId": "removeBackendOverrides",
            "summary": "Back to the file for one backend",
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"$ref": "#/components/responses/Removed"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/NotApplied"}
            }
          }
        },
        "/status": {
          "get": {
            "operationId": "getStatus",
            "summary": "The daemon's state: the file, the last pass, counts",
            "responses": {
              "200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        },
        "/plan": {
          "get": {
            "operationId": "getPlan",
            "summary": "What the next pass would change in the kernel (as 'gorb-reconcile plan --json')",
            "responses": {
              "200": {"description": "The plan", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plan"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/ServerError"}
            }
          }
        },
        "/reload": {
          "post": {
            "operationId": "reload",
            "summary": "Re-read the file, as SIGHUP does; an invalid file changes nothing",
            "responses": {
              "415": {"$ref": "#/components/responses/FormBody"},
              "408": {"$ref": "#/components/responses/RequestTimeout"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "200": {"description": "Reloaded: the counts now in force", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reloaded"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "422": {"$ref": "#/components/responses/NotReloaded"}
            }
          }
        },
        "/healthz": {
          "get": {
            "operationId": "healthz",
            "summary": "Liveness, for probes (never needs the token)",
            "security": [{}],
            "responses": {
              "200": {"description": "Serving", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["status"], "properties": {"status": {"const": "ok"}}}}}}
            }
          }
        },
        "/metrics": {
          "get": {
            "operationId": "metrics",
            "summary": "Prometheus metrics (GORB's names)",
            "responses": {
              "200": {"description": "Prometheus text exposition format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {
              "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"], "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {"type": "http", "scheme": "bearer", "description": "The token of --api-token-file; needed only when the daemon has one"}
        },
        "links": {
          "getService": {"operationId": "getService", "parameters": {"service": "$request.path.service"}, "description": "The service just changed"},
          "changeService": {"operationId": "changeService", "parameters": {"service": "$request.path.service"}},
          "removeService": {"operationId": "removeService", "parameters": {"service": "$request.path.service"}},
          "createBackend": {"operationId": "createBackend", "parameters": {"service": "$request.path.service"}, "description": "Add a backend to this service"},
          "getBackend": {"operationId": "getBackend", "parameters": {"service": "$request.path.service", "backend": "$request.path.backend"}, "description": "The backend just changed"},
          "changeBackend": {"operationId": "changeBackend", "parameters": {"service": "$request.path.service", "backend": "$request.path.backend"}},
          "removeBackend": {"operationId": "removeBackend", "parameters": {"service": "$request.path.service", "backend": "$request.path.backend"}},
          "removeServiceOverrides": {"operationId": "removeServiceOverrides", "parameters": {"service": "$request.path.service"}, "description": "Back to the file: the service the API added goes"},
          "removeBackendOverrides": {"operationId": "removeBackendOverrides", "parameters": {"service": "$request.path.service", "backend": "$request.path.backend"}}
        },
        "parameters": {
          "service": {"name": "service", "in": "path", "required": true, "description": "Service id", "schema": {"$ref": "#/components/schemas/Id"}, "example": "web"},
          "backend": {"name": "backend", "in": "path", "required": true, "description": "Backend id, scoped to its service", "schema": {"$ref": "#/components/schemas/Id"}, "example": "web-1"},
          "ttl": {"name": "ttl", "in": "query", "required": false, "description": "How long the override lasts (a positive duration); after it the file's value returns. A body's own ttl wins.", "schema": {"$ref": "#/components/schemas/Duration"}, "example": "30m"}
        },
        "responses": {
          "Applied": {"description": "Done: the pass that applies the change has run (or there was nothing to change). Empty body, as GORB."},
          "ServiceCreated": {"description": "Done: the service is in the kernel. Empty body, as GORB.", "links": {"getService": {"$ref": "#/components/links/getService"}, "changeService": {"$ref": "#/components/links/changeService"}, "removeService": {"$ref": "#/components/links/removeService"}, "createBackend": {"$ref": "#/components/links/createBackend"}, "removeServiceOverrides": {"$ref": "#/components/links/removeServiceOverrides"}}},
          "ServiceChanged": {"description": "Done: the change is in the kernel. Empty body, as GORB.", "links": {"getService": {"$ref": "#/components/links/getService"}, "removeService": {"$ref": "#/components/links/removeService"}}},
          "BackendCreated": {"description": "Done: the backend is in the kernel. Empty body, as GORB.", "links": {"getBackend": {"$ref": "#/components/links/getBackend"}, "changeBackend": {"$ref": "#/components/links/changeBackend"}, "removeBackend": {"$ref": "#/components/links/removeBackend"}, "removeBackendOverrides": {"$ref": "#/components/links/removeBackendOverrides"}}},
          "BackendChanged": {"description": "Done: the change is in the kernel. Empty body, as GORB.", "links": {"getBackend": {"$ref": "#/components/links/getBackend"}, "removeBackend": {"$ref": "#/components/links/removeBackend"}}},
          "RequestTimeout": {"description": "The request did not arrive whole within 10 s of its header; the connection is closed", "headers": {"Connection": {"schema": {"const": "close"}, "required": true}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Accepted": {"description": "Recorded; the pass that applies it had not finished when the wait ended", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["status"], "properties": {"status": {"type": "string"}}}}}},
          "Removed": {"description": "How many overrides were removed; the pass that restores the file's values has run", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["removed"], "properties": {"removed": {"type": "integer", "minimum": 0}}}}}},
          "BadRequest": {"description": "The body or ttl is malformed, or the change would make the desired state invalid (every problem, with its JSON path)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "The daemon has a token and the request has not got it, or another one", "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "required": true}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "No such service, backend, or overrides on it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "MethodNotAllowed": {"description": "Any path answers a method it does not serve so; Allow lists those it does", "headers": {"Allow": {"schema": {"type": "string"}, "required": true}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Forbidden": {"description": "Refused whatever the body says: a change that would create or change an exec health check (only the config file defines those; a backend added with no pulse of its own still inherits its service's), or a change a browser sent from another site or origin (Sec-Fetch-Site, Origin), or from a page at a host name while the API has no token (DNS rebinding)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "FormBody": {"description": "The body type is a browser form's (application/x-www-form-urlencoded, multipart/form-data, text/plain), refused so that no web page can change the balancer: send application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Conflict": {"description": "It exists already (PATCH changes it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "ContentTooLarge": {"description": "The body is larger than 1 MiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotReloaded": {"description": "The file is invalid; the last good one stays in force (its errors, FILE:LINE:COL)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotApplied": {"description": "The change is recorded and will be retried, but the kernel refused it (or the state directory could not be written)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "ServerError": {"description": "The kernel's table could not be read", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {"type": "object", "additionalProperties": false, "required": ["error", "errors"], "properties": {"error": {"type": "string", "description": "Every message, joined with '; ' (GORB's field)"}, "errors": {"type": "array", "minItems": 1, "items": {"type": "string"}}}},
          "Id": {"type": "string", "pattern": "^(?!\\.\\.?$)[A-Za-z0-9._:@-]{1,128}$", "description": "1 to 128 ASCII letters, digits, '-', '_', '.', ':' or '@' ('.' and '..' are valid in the file, but HTTP clients cannot send them as a path segment)"},
          "Duration": {"type": "string", "pattern": "^\\+?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours))+)$", "description": "Go syntax or GORB's: 500ms, 5s, 1m30s, 1.5h, 2hours; a bare number (but 0) has no unit and is refused", "examples": ["5s", "1m30s", "30m"]},
          "Address": {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}], "description": "An IPv4 or IPv6 address (host names are not resolved)"},
          "Port": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 65535}, {"type": "string", "pattern": "^[0-9]{1,5}$"}], "description": "A number or a digit string"},
          "Weight": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 2147483647}, {"type": "string", "pattern": "^[0-9]{1,10}$"}], "description": "0 to 2147483647, a number or a digit string"},
          "Quorum": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 100000}, {"type": "string", "pattern": "^[0-9]{1,6}$"}]},
          "CheckCount": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100}, {"type": "string", "pattern": "^[0-9]{1,3}$"}], "description": "1 to 100 consecutive checks"},
          "Fwmark": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 4294967295}, {"type": "string", "pattern": "^[0-9]{1,10}$"}]},
          "Boolean": {"anyOf": [{"type": "boolean"}, {"enum": ["true", "True", "TRUE", "false", "False", "FALSE"]}]},
          "Persistence": {"anyOf": [{"type": "boolean"}, {"type": "integer", "minimum": 0, "maximum": 4294967295}, {"type": "string", "pattern": "^([0-9]{1,10}|true|True|TRUE|false|False|FALSE)$"}, {"$ref": "#/components/schemas/Duration"}], "description": "true (300s), false, a timeout (10m), or seconds (600; 0 is false); 1s to 30 days"},
          "Netmask": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 255}, {"type": "string", "pattern": "^/?[0-9]{1,3}$"}, {"type": "string", "format": "ipv4"}], "description": "Persistence granularity: an IPv4 mask (255.255.255.0) or a prefix length (24, \"/24\"; IPv6 has only this form)"},
          "Flags": {"anyOf": [{"type": "array", "items": {"enum": ["sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3"]}}, {"type": "string", "pattern": "^[ \\t]*((sh|mh)-(fallback|port)|flag-[123])?[ \\t]*(\\|[ \\t]*((sh|mh)-(fallback|port)|flag-[123])?[ \\t]*)*$"}], "description": "Scheduler flags, a list or GORB's \"a|b\" string; sh-* for sh, mh-* for mh"},
          "Expect": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "array", "items": {"type": ["integer", "string"]}}], "description": "http/https: status codes (200, \"200-399\", [200, 204]); dns: the answer code (NOERROR); udp: the prefix the reply starts with"},
          "Command": {"anyOf": [{"type": "array", "minItems": 1, "items": {"type": "string"}}, {"type": "string"}], "description": "A program and its arguments, or one string split on spaces (no shell)"},
          "ServiceChange": {
            "type": "object", "additionalProperties": false,
            "description": "A service's fields (the file's schema) and how long the change lasts. PUT: the whole service; PATCH: only the fields to change.",
            "properties": {"ttl": {"$ref": "#/components/schemas/Duration", "description": "How long the override lasts; without it, until removed"}, \#(serviceFields)}
          },
          "ServiceOptions": {"type": "object", "additionalProperties": false, "properties": {\#(serviceFields)}},
          "BackendChange": {
            "type": "object", "additionalProperties": false,
            "description": "A backend's fields (the file's schema) and how long the change lasts. PUT: the whole backend; PATCH: only the fields to change.",
            "properties": {"ttl": {"$ref": "#/components/schemas/Duration", "description": "How long the override lasts; without it, until removed"}, \#(backendFields)}
          },
          "BackendOptions": {"type": "object", "additionalProperties": false, "properties": {\#(backendFields)}},
          "TunnelOptions": {
            "type": "object", "additionalProperties": false,
            "properties": {
              "type": {"enum": ["ipip", "gue", "gre"]},
              "port": {"$ref": "#/components/schemas/Port", "description": "The UDP port of a gue tunnel (required there)"},
              "checksum": {"enum": ["nocsum", "csum", "remcsum"], "description": "gue and gre only"}
            }
          },
          "ThresholdOptions": {
            "type": "object", "additionalProperties": false, "description": "Connection thresholds (0: no limit); lower must not be above upper",
            "properties": {"upper": {"$ref": "#/components/schemas/Weight"}, "lower": {"$ref": "#/components/schemas/Weight"}}
          },
          "PulseOptions": {
            "type": "object", "additionalProperties": false, "description": "The health check; missing fields come from the service's pulse, then the defaults",
            "properties": {
              "type": {"enum": ["tcp", "http", "https", "udp", "dns", "exec", "none"]},
              "interval": {"$ref": "#/components/schemas/Duration", "description": "Positive, at most 24h"},
              "timeout": {"$ref": "#/components/schemas/Duration", "description": "Positive, at most the interval"},
              "rise": {"$ref": "#/components/schemas/CheckCount"},
              "fall": {"$ref": "#/components/schemas/CheckCount"},
              "ramp": {"$ref": "#/components/schemas/Duration", "description": "Slow start after a recovery; 0s to 24h"},
              "inhibit": {"$ref": "#/components/schemas/Boolean", "description": "true: a failed backend gets weight 0; false: only report"},
              "initial": {"enum": ["up", "down"], "description": "how a backend new to the kernel starts: up at full weight (default), or down at weight 0 until rise checks pass"},
              "args": {"$ref": "#/components/schemas/PulseArgs"}
            }
          },
          "PulseArgs": {
            "type": "object", "additionalProperties": false,
            "description": "Probe arguments; each applies to some types only: tcp (host, port), http (and method, path, expect, virtualhost, body), https (and sni, insecure), udp (host, port, payload, expect), dns (host, port, name, query, expect), exec (command, user). The REST API refuses command and user, and any exec check it did not inherit from the file (403): exec checks run a program, so only the root-owned file defines them",
            "properties": {
              "host": {"$ref": "#/components/schemas/Address"},
              "port": {"$ref": "#/components/schemas/Port"},
              "method": {"type": "string", "pattern": "^[A-Za-z]+$"},
              "path": {"type": "string", "pattern": "^/[^ \\r\\n]*$"},
              "expect": {"$ref": "#/components/schemas/Expect"},
              "virtualhost": {"type": "string"},
              "body": {"type": "string"},
              "sni": {"type": "string"},
              "insecure": {"$ref": "#/components/schemas/Boolean"},
              "payload": {"type": "string"},
              "name": {"type": "string"},
              "query": {"enum": ["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"]},
              "command": {"$ref": "#/components/schemas/Command"},
              "user": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.-]{0,31}$"}
            }
          },
          "ServiceInfo": {
            "type": "object", "additionalProperties": false, "required": ["options", "health", "backends", "quorum"],
            "properties": {
              "options": {"$ref": "#/components/schemas/ServiceView"},
              "health": {"type": "number", "minimum": 0, "maximum": 1, "description": "Mean health of the backends (fallbacks not counted); 1 with none"},
              "backends": {"type": "array", "items": {"$ref": "#/components/schemas/Id"}},
              "quorum": {
                "type": "object", "additionalProperties": false, "required": ["required", "healthy", "met"],
                "properties": {"required": {"type": "integer", "minimum": 0}, "healthy": {"type": "integer", "minimum": 0}, "met": {"type": "boolean"}}
              },
              "stats": {"$ref": "#/components/schemas/Stats"},
              "stats-error": {"type": "string", "description": "Why stats is absent: the kernel could not be read, or does not hold the object (yet)"}
            }
          },
          "Stats": {
            "type": "object", "additionalProperties": false,
            "description": "The kernel's traffic counters (since the object was created or zeroed) and rate estimates, as ipvsadm -Ln --stats --exact and --rate show them, read from the kernel for this request",
            "required": ["source", "read-at", "connections", "in-packets", "out-packets", "in-bytes", "out-bytes", "connections-per-second", "in-packets-per-second", "out-packets-per-second", "in-bytes-per-second", "out-bytes-per-second"],
            "properties": {
              "source": {"const": "kernel", "description": "Read from the kernel at read-at, for this request"},
              "read-at": {"type": "string", "format": "date-time"},
              "connections": {"type": "integer", "minimum": 0},
              "in-packets": {"type": "integer", "minimum": 0, "description": "Client to server"},
              "out-packets": {"type": "integer", "minimum": 0, "description": "Server to client"},
              "in-bytes": {"type": "integer", "minimum": 0},
              "out-bytes": {"type": "integer", "minimum": 0},
              "connections-per-second": {"type": "integer", "minimum": 0},
              "in-packets-per-second": {"type": "integer", "minimum": 0},
              "out-packets-per-second": {"type": "integer", "minimum": 0},
              "in-bytes-per-second": {"type": "integer", "minimum": 0},
              "out-bytes-per-second": {"type": "integer", "minimum": 0},
              "active-connections": {"type": "integer", "minimum": 0, "description": "Backends only (ActiveConn)"},
              "inactive-connections": {"type": "integer", "minimum": 0, "description": "Backends only (InActConn)"},
              "weight": {"type": "integer", "minimum": 0, "description": "Backends only: the weight the kernel holds now (compare options.weight, what it should hold, and options.configured-weight, the file's)"}
            }
          },
          "ServiceView": {
            "type": "object", "additionalProperties": false, "description": "The service as resolved, defaults filled in",
            "required": ["host", "port", "protocol", "family", "method", "persistent", "one-packet", "flags", "quorum"],
            "properties": {
              "host": {"type": "string", "description": "The VIP; empty for a fwmark service or one on an interface"},
              "interface": {"type": "string", "description": "The interface whose first address is the VIP"},
              "port": {"type": "integer", "minimum": 0, "maximum": 65535},
              "protocol": {"enum": ["tcp", "udp", "sctp", "fwmark"]},
              "fwmark": {"type": "integer", "minimum": 1, "maximum": 4294967295},
              "family": {"enum": ["ipv4", "ipv6"]},
              "method": {"enum": [\#(schedulers)]},
              "persistent": {"anyOf": [{"const": false}, {"type": "integer", "minimum": 1, "maximum": 2592000}], "description": "false, or the persistence timeout in seconds"},
              "netmask": {"type": "integer", "minimum": 1, "maximum": 128, "description": "Persistence granularity as a prefix length"},
              "persistence-engine": {"const": "sip"},
              "one-packet": {"type": "boolean"},
              "flags": {"type": "array", "items": {"enum": ["sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3"]}},
              "quorum": {"type": "integer", "minimum": 0, "maximum": 100000}
            }
          },
          "BackendInfo": {
            "type": "object", "additionalProperties": false, "required": ["options", "metrics"],
            "properties": {
              "options": {"$ref": "#/components/schemas/BackendView"}, "metrics": {"$ref": "#/components/schemas/BackendMetrics"},
              "stats": {"$ref": "#/components/schemas/Stats"},
              "stats-error": {"type": "string", "description": "Why stats is absent: the kernel could not be read, or does not hold the backend (yet)"}
            }
          },
          "BackendView": {
            "type": "object", "additionalProperties": false, "description": "The backend as resolved; weight is the one in force now (health and ramp applied)",
            "required": ["host", "port", "weight", "configured-weight", "method", "drain", "fallback", "pulse"],
            "properties": {
              "host": {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
              "port": {"type": "integer", "minimum": 0, "maximum": 65535},
              "weight": {"type": "integer", "minimum": 0, "maximum": 2147483647},
              "configured-weight": {"type": "integer", "minimum": 0, "maximum": 2147483647},
              "method": {"enum": ["nat", "tunnel", "dr"]},
              "drain": {"$ref": "#/components/schemas/Duration"},
              "fallback": {"type": "boolean"},
              "thresholds": {
                "type": "object", "additionalProperties": false, "required": ["upper", "lower"],
                "properties": {"upper": {"type": "integer", "minimum": 0}, "lower": {"type": "integer", "minimum": 0}}
              },
              "pulse": {
                "type": "object", "additionalProperties": false, "required": ["type", "interval", "timeout", "rise", "fall", "ramp", "inhibit", "initial"],
                "properties": {
                  "type": {"enum": ["tcp", "http", "https", "udp", "dns", "exec", "none"]},
                  "interval": {"$ref": "#/components/schemas/Duration"},
                  "timeout": {"$ref": "#/components/schemas/Duration"},
                  "rise": {"type": "integer", "minimum": 1, "maximum": 100},
                  "fall": {"type": "integer", "minimum": 1, "maximum": 100},
                  "ramp": {"$ref": "#/components/schemas/Duration"},
                  "inhibit": {"type": "boolean"},
                  "initial": {"enum": ["up", "down"]}
                }
              }
            }
          },
          "BackendMetrics": {
            "type": "object", "additionalProperties": false, "required": ["status", "health", "uptime", "uptime-seconds", "state", "checks"],
            "properties": {
              "status": {"enum": [0, 1], "description": "GORB's code: 0 up (or not checked yet), 1 down"},
              "health": {"type": "number", "minimum": 0, "maximum": 1, "description": "Share of recent checks that passed; 1 before the first"},
              "uptime": {"type": "integer", "minimum": 0, "description": "Nanoseconds up"},
              "uptime-seconds": {"type": "number", "minimum": 0},
              "state": {"enum": ["unknown", "up", "down", "draining"]},
              "checks": {"type": "integer", "minimum": 0},
              "last-error": {"type": "string"}
            }
          },
          "Overrides": {
            "type": "object", "additionalProperties": false, "required": ["overrides"],
            "properties": {"overrides": {"type": "array", "items": {"$ref": "#/components/schemas/Override"}}}
          },
          "Override": {
            "type": "object", "additionalProperties": false, "required": ["service", "action", "created", "in-force"],
            "properties": {
              "service": {"type": "string"},
              "backend": {"type": "string"},
              "action": {"enum": ["put", "patch", "delete"]},
              "fields": {"type": "array", "items": {"type": "string"}, "description": "The fields a patch sets"},
              "options": {"type": "object", "description": "The body of a put or patch (without ttl): ServiceOptions, or BackendOptions when backend is set"},
              "created": {"type": "string", "format": "date-time"},
              "expires": {"type": "string", "format": "date-time"},
              "in-force": {"type": "boolean", "description": "false: kept but not applied (it clashes with the file); problem says why"},
              "problem": {"type": "string"}
            },
            "if": {"required": ["backend"]},
            "then": {"properties": {"options": {"$ref": "#/components/schemas/BackendOptions"}}},
            "else": {"properties": {"options": {"$ref": "#/components/schemas/ServiceOptions"}}}
          },
          "Status": {
            "type": "object", "additionalProperties": false,
            "required": ["config", "counts", "passes", "changes-applied", "drift-repaired", "override-problems"],
            "properties": {
              "config": {
                "type": "object", "additionalProperties": false,
                "required": ["path", "last-reload-succeeded", "errors", "reloads", "reload-failures"],
                "properties": {
                  "path": {"type": "string"},
                  "last-reload": {"type": "string", "format": "date-time"},
                  "last-reload-succeeded": {"type": "boolean"},
                  "errors": {"type": "array", "items": {"type": "string"}},
                  "reloads": {"type": "integer", "minimum": 0},
                  "reload-failures": {"type": "integer", "minimum": 0}
                }
              },
              "last-pass": {
                "type": "object", "additionalProperties": false,
                "required": ["succeeded", "applied", "failed", "draining", "duration-seconds", "errors"],
                "properties": {
                  "time": {"type": "string", "format": "date-time"},
                  "succeeded": {"type": "boolean"},
                  "applied": {"type": "integer", "minimum": 0},
                  "failed": {"type": "integer", "minimum": 0},
                  "draining": {"type": "integer", "minimum": 0},
                  "duration-seconds": {"type": "number", "minimum": 0},
                  "errors": {"type": "array", "items": {"type": "string"}}
                }
              },
              "counts": {
                "type": "object", "additionalProperties": false,
                "required": ["services", "backends", "overrides", "overrides-not-in-force"],
                "properties": {
                  "services": {"type": "integer", "minimum": 0},
                  "backends": {"type": "integer", "minimum": 0},
                  "overrides": {"type": "integer", "minimum": 0},
                  "overrides-not-in-force": {"type": "integer", "minimum": 0}
                }
              },
              "passes": {"type": "integer", "minimum": 0},
              "changes-applied": {"type": "integer", "minimum": 0},
              "drift-repaired": {"type": "integer", "minimum": 0},
              "override-problems": {"type": "array", "items": {"type": "string"}}
            }
          },
          "Plan": {
            "type": "object", "additionalProperties": false, "required": ["in-sync", "changes", "problems"],
            "properties": {
              "in-sync": {"type": "boolean"},
              "changes": {
                "type": "array",
                "items": {
                  "type": "object", "additionalProperties": false, "required": ["kind", "change", "subject"],
                  "properties": {"kind": {"enum": ["create", "update", "delete", "drain"]}, "change": {"type": "string", "description": "As ipvsadm would write it"}, "subject": {"type": "string", "description": "web or web/web-1; empty for objects the file never named"}}
                }
              },
              "problems": {"type": "array", "items": {"type": "string"}}
            }
          },
          "Reloaded": {
            "type": "object", "additionalProperties": false, "required": ["services", "backends"],
            "properties": {"services": {"type": "integer", "minimum": 0}, "backends": {"type": "integer", "minimum": 0}, "pass": {"type": "integer", "minimum": 1, "description": "The pass that applies the reloaded file: done once GET /status shows passes at least this"}}
          }
        }
      }
    }
    """#

    /// The fields of ServiceOptions (Sources/Spec/ServiceOptions.swift), in both the body schema
    /// (with `ttl`) and the one the overrides list shows (without).
    private static let serviceFields = #"""
    "host": {"$ref": "#/components/schemas/Address", "description": "The VIP; without it, the first address of the daemon's interface"},
                "port": {"$ref": "#/components/schemas/Port", "description": "0 (all ports) only for a persistent service"},
                "protocol": {"enum": ["tcp", "udp", "sctp"]},
                "fwmark": {"$ref": "#/components/schemas/Fwmark", "description": "Match packets by firewall mark, instead of host, port and protocol"},
                "family": {"enum": ["ipv4", "ipv6", "inet", "inet6", "v4", "v6", "4", "6"], "description": "Of a fwmark service"},
                "method": {"enum": [\#(schedulers)], "description": "The IPVS scheduler"},
                "persistent": {"$ref": "#/components/schemas/Persistence"},
                "netmask": {"$ref": "#/components/schemas/Netmask"},
                "persistence-engine": {"enum": ["sip"]},
                "one-packet": {"$ref": "#/components/schemas/Boolean", "description": "UDP only"},
                "flags": {"$ref": "#/components/schemas/Flags"},
                "pulse": {"$ref": "#/components/schemas/PulseOptions", "description": "Inherited by the backends"},
                "quorum": {"$ref": "#/components/schemas/Quorum"},
                "backends": {"type": "object", "propertyNames": {"$ref": "#/components/schemas/Id"}, "additionalProperties": {"$ref": "#/components/schemas/BackendOptions"}}
    """#

    /// The fields of BackendOptions (Sources/Spec/BackendOptions.swift).
    private static let backendFields = #"""
    "host": {"$ref": "#/components/schemas/Address"},
                "port": {"$ref": "#/components/schemas/Port", "description": "Defaults to the service's"},
                "weight": {"$ref": "#/components/schemas/Weight"},
                "method": {"enum": ["nat", "masq", "masquerade", "tunnel", "ipip", "tun", "dr", "gate", "route", "direct"], "description": "Forwarding method"},
                "tunnel": {"$ref": "#/components/schemas/TunnelOptions", "description": "With method tunnel"},
                "thresholds": {"$ref": "#/components/schemas/ThresholdOptions"},
                "drain": {"$ref": "#/components/schemas/Duration", "description": "How long a removed backend drains before deletion"},
                "pulse": {"$ref": "#/components/schemas/PulseOptions"},
                "vsid": {"type": "string", "description": "GORB's parent service id; accepted and ignored"},
                "fallback": {"$ref": "#/components/schemas/Boolean", "description": "The sorry server: weight 0 while the service has its quorum"}
    """#

    private static let schedulers = #""rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos""#
}
