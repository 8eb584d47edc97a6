/** The API reference page: swagger-ui (from npm, served from here) rendering this worker's OpenAPI document. */
declare const SwaggerUIBundle: (options: { url: string; dom_id: string; deepLinking: boolean }) => unknown;

SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
