FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=1
WORKDIR /app
COPY pyproject.toml ./
COPY jobboard ./jobboard
COPY programmes ./programmes
COPY vacancies ./vacancies
COPY applications ./applications
RUN pip install --no-cache-dir .
COPY . .
RUN python -m jobboard.catalogues
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 jobboard && mkdir -p var && chown jobboard var
USER jobboard
EXPOSE 8000
CMD ["gunicorn", "jobboard.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--logger-class", "jobboard.logs.GunicornLogger"]
